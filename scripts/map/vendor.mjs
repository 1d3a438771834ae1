// Writes src/pages/region.json: the outlines of the countries around Pakistan and Afghanistan,
// from Natural Earth's 1:50m admin-0 countries as the world-atlas package carries them,
// simplified, clipped to the region and projected, as SVG path data. The pages draw their map
// from it, so no tile server or map library is ever asked for anything.
//
// Run with scripts/map/vendor.sh (it installs the pinned packages first).
import { readFileSync, writeFileSync } from "node:fs";
import { feature } from "topojson-client";
import { presimplify, simplify } from "topojson-simplify";

const out = new URL("../../src/pages/region.json", import.meta.url);
const atlas = new URL("node_modules/world-atlas/", import.meta.url);
const version = JSON.parse(readFileSync(new URL("package.json", atlas))).version;

// West, south, east, north in degrees: Pakistan and Afghanistan with a margin.
const [west, south, east, north] = [59.5, 23.0, 78.5, 39.0];
// Equirectangular, true to scale along this parallel (the middle of the region).
const parallel = (south + north) / 2;
const width = 640;
const scale = width / ((east - west) * Math.cos((parallel * Math.PI) / 180));
const height = Math.round((north - south) * scale);
// Triangles smaller than this (in square degrees) are simplified away: a few hundred points
// a country, invisible at the map's size.
const minWeight = 0.0008;

const topology = JSON.parse(readFileSync(new URL("countries-50m.json", atlas)));
const simple = simplify(presimplify(topology), minWeight);
const countries = feature(simple, simple.objects.countries).features;

/** `ring` clipped to the region's rectangle (Sutherland-Hodgman, one edge at a time). */
function clip(ring) {
  const edges = [
    [(p) => p[0] >= west, (a, b) => cross(a, b, 0, west)],
    [(p) => p[0] <= east, (a, b) => cross(a, b, 0, east)],
    [(p) => p[1] >= south, (a, b) => cross(a, b, 1, south)],
    [(p) => p[1] <= north, (a, b) => cross(a, b, 1, north)],
  ];
  let points = ring;
  for (const [inside, at] of edges) {
    const input = points;
    points = [];
    for (let i = 0; i < input.length; i++) {
      const [a, b] = [input[i], input[(i + 1) % input.length]];
      if (inside(b)) {
        if (!inside(a)) points.push(at(a, b));
        points.push(b);
      } else if (inside(a)) {
        points.push(at(a, b));
      }
    }
  }
  return points;
}

/** Where the segment a-b crosses the line where coordinate `axis` is `value`. */
function cross(a, b, axis, value) {
  const t = (value - a[axis]) / (b[axis] - a[axis]);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

const project = ([lon, lat]) => [
  Math.round((lon - west) * Math.cos((parallel * Math.PI) / 180) * scale * 10) / 10,
  Math.round((north - lat) * scale * 10) / 10,
];

const shapes = [];
for (const country of countries) {
  const { type, coordinates } = country.geometry ?? {};
  const polygons = type === "Polygon" ? [coordinates] : type === "MultiPolygon" ? coordinates : [];
  const rings = polygons
    .flat()
    .map(clip)
    .filter((ring) => ring.length >= 3)
    .map((ring) => ring.map(project));
  if (rings.length === 0) continue;
  const d = rings
    .map((ring) => "M" + ring.map(([x, y]) => `${x} ${y}`).join("L") + "Z")
    .join("");
  shapes.push({ name: country.properties.name, d });
}
shapes.sort((a, b) => a.name.localeCompare(b.name));

const region = {
  source: `Natural Earth 1:50m admin-0 countries (public domain), from the npm package world-atlas ${version} (ISC); simplified (minimum triangle area ${minWeight} square degrees) and clipped by scripts/map/vendor.mjs`,
  bbox: [west, south, east, north],
  parallel,
  width,
  height,
  countries: shapes,
};
writeFileSync(out, JSON.stringify(region, null, 1) + "\n");
console.log(
  `wrote ${out.pathname}: ${shapes.length} countries, ${JSON.stringify(region).length} bytes`,
);
