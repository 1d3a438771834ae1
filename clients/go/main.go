// Command check calls every GET operation of the Durand API through the Go client that
// openapi-generator (`-g go`, default settings) generated from openapi/openapi.json, against a
// live server, and checks what comes back, decoded into the client's models. Each operation is
// called without as_of; those that take it are called again with as_of as a version (1) and as an
// RFC 3339 time, and each such request must have gone out with as_of in its query string as given
// and have been answered from that version.
//
// Usage: check BASE_URL SPEC (clients/go/run.sh). Exits non-zero when a check fails, or when the
// spec has a GET operation this program does not call, so a new read cannot go unexercised.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	openapi "github.com/GIT_USER_ID/GIT_REPO_ID"
)

const claim133 = "pakistan-claims-133-taliban-killed"

var counts = map[string]int64{"actors": 16, "sources": 3, "claims": 28, "incidents": 10, "force_figures": 10}

// failure is what check panics with; op recovers it.
type failure struct{ msg string }

func check(ok bool, format string, args ...any) {
	if !ok {
		_, _, line, _ := runtime.Caller(1)
		panic(failure{fmt.Sprintf(format, args...) + fmt.Sprintf(" (line %d)", line)})
	}
}

// must fails the operation on a transport, status or decoding error.
func must(err error) {
	if err != nil {
		_, _, line, _ := runtime.Caller(1)
		msg := err.Error()
		var apiErr *openapi.GenericOpenAPIError
		if errors.As(err, &apiErr) {
			msg += ": " + cut(string(apiErr.Body()))
		}
		panic(failure{fmt.Sprintf("%s (line %d)", msg, line)})
	}
}

func cut(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

func eq[T any](got, want T, what string) {
	if !reflect.DeepEqual(got, want) {
		_, _, line, _ := runtime.Caller(1)
		panic(failure{fmt.Sprintf("%s: %v, not %v (line %d)", what, got, want, line)})
	}
}

// asOfSetter is every request builder that takes as_of.
type asOfSetter[R any] interface{ AsOf(string) R }

// at sets as_of on a request when it is given: the builders send whatever they are handed,
// an empty value included.
func at[R asOfSetter[R]](r R, asOf string) R {
	if asOf == "" {
		return r
	}
	return r.AsOf(asOf)
}

// answer is a call's response and error, without its value.
type answer struct {
	res *http.Response
	err error
}

// fail keeps the response and error of an Execute() expected to fail.
func fail[T any](_ T, res *http.Response, err error) answer { return answer{res, err} }

// problem asserts an RFC 9457 problem with status, decoded into the client's Problem model.
func problem(status int, a answer) openapi.Problem {
	_, _, line, _ := runtime.Caller(1)
	res, err := a.res, a.err
	var apiErr *openapi.GenericOpenAPIError
	if res == nil || !errors.As(err, &apiErr) {
		panic(failure{fmt.Sprintf("no API error (%v), expected %d (line %d)", err, status, line)})
	}
	eq(res.StatusCode, status, fmt.Sprintf("status (line %d)", line))
	eq(res.Header.Get("Content-Type"), "application/problem+json", "content-type")
	p, ok := apiErr.Model().(openapi.Problem)
	check(ok, "error decoded as %T, not Problem (line %d)", apiErr.Model(), line)
	eq(int(p.GetStatus()), status, "problem status")
	check(p.GetTitle() != "" && p.GetDetail() != "" && p.GetType() != "", "problem %+v", p)
	return p
}

// firstDay is a partial date's first day as text; an open start sorts before every date.
func firstDay(d openapi.PartialDate) string { return d.GetStart() }

// recorder keeps every response the client receives, to check the query it was sent with.
type recorder struct {
	mu        sync.Mutex
	responses []*http.Response
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.responses = append(r.responses, res)
		r.mu.Unlock()
	}
	return res, err
}

type checks struct {
	gets       map[string]bool // the spec's GET operations: operationId to whether it takes as_of
	called     map[string]bool
	calledAsOf map[string]bool
	failed     map[string]string
	rec        *recorder
	time       string
}

// op runs call without as_of and, if the operation takes it, with both forms of it.
func (c *checks) op(id string, call func(asOf string)) {
	c.called[id] = true
	forms := []string{""}
	if c.gets[id] {
		c.calledAsOf[id] = true
		forms = append(forms, "1", c.time)
	}
	for _, asOf := range forms {
		key := id
		if asOf != "" {
			key = id + " with as_of=" + asOf
		}
		before := len(c.rec.responses)
		func() {
			defer func() {
				if r := recover(); r != nil {
					if f, ok := r.(failure); ok {
						if _, seen := c.failed[key]; !seen {
							c.failed[key] = f.msg
						}
						return
					}
					panic(r)
				}
			}()
			call(asOf)
			mine := c.rec.responses[before:]
			check(len(mine) > 0, "no request went out")
			for _, res := range mine {
				q := res.Request.URL.Query()
				if asOf == "" {
					check(!q.Has("as_of"), "as_of sent though not given: %s", res.Request.URL.RawQuery)
					continue
				}
				eq(q.Get("as_of"), asOf, "as_of sent in "+res.Request.URL.RawQuery)
				if asOf == "1" && res.StatusCode == 200 {
					eq(res.Header.Get("Durand-Dataset-Version"), "1", "version that answered as_of=1")
				}
			}
		}()
	}
}

func (c *checks) run(client *openapi.APIClient, spec map[string]any, base string) {
	ctx := context.Background()

	c.op("get_dataset", func(asOf string) {
		info, _, err := at(client.DatasetAPI.GetDataset(ctx), asOf).Execute()
		must(err)
		eq(info.GetLicence(), "CC-BY-4.0", "licence")
		n := info.GetCounts()
		eq(map[string]int64{"actors": n.GetActors(), "sources": n.GetSources(), "claims": n.GetClaims(),
			"incidents": n.GetIncidents(), "force_figures": n.GetForceFigures()}, counts, "counts")
		check(strings.Contains(info.GetCitation(), "Durand"), "citation %q", info.GetCitation())
		if asOf == "1" {
			eq(info.GetVersion(), int64(1), "version")
		}
	})

	c.op("export", func(asOf string) {
		line, res, err := at(client.DatasetAPI.Export(ctx), asOf).Execute()
		var body []byte
		var apiErr *openapi.GenericOpenAPIError
		switch {
		case err == nil:
			// The client decodes one JSON value: the body's first line.
			_, ok := line.GetActualInstance().(*openapi.DatasetLine)
			check(ok, "first line %T", line.GetActualInstance())
		case errors.As(err, &apiErr) && res != nil && res.StatusCode == 200:
			// The client decodes no application/x-ndjson: it hands back the body.
			body = apiErr.Body()
		default:
			must(err)
		}
		eq(res.StatusCode, 200, "status")
		check(strings.HasPrefix(res.Header.Get("Content-Type"), "application/x-ndjson"), "content-type %q", res.Header.Get("Content-Type"))
		if body == nil {
			u := base + "/v1/export"
			if asOf != "" {
				u += "?as_of=" + url.QueryEscape(asOf)
			}
			raw, err := client.GetConfig().HTTPClient.Get(u)
			must(err)
			defer raw.Body.Close()
			var buf bytes.Buffer
			_, err = buf.ReadFrom(raw.Body)
			must(err)
			body = buf.Bytes()
		}
		// Each line decoded into the client's ExportLine (a oneOf by type).
		kinds := map[string]int64{}
		var last any
		n := 0
		lines := bufio.NewScanner(bytes.NewReader(body))
		lines.Buffer(make([]byte, 1<<20), 1<<24)
		for lines.Scan() {
			if len(lines.Bytes()) == 0 {
				continue
			}
			n++
			var l openapi.ExportLine
			must(json.Unmarshal(lines.Bytes(), &l))
			last = l.GetActualInstance()
			kinds[fmt.Sprintf("%T", last)]++
			switch v := last.(type) {
			case *openapi.ClaimLine:
				check(v.Data.GetClaimant() != "", "a claim line without claimant")
			case *openapi.ForceFigureLine:
				check(v.Data.GetQualifier() != "", "a figure line without qualifier")
			}
		}
		must(lines.Err())
		eq(kinds, map[string]int64{
			"*openapi.DatasetLine":     1,
			"*openapi.ActorLine":       counts["actors"],
			"*openapi.SourceLine":      counts["sources"],
			"*openapi.ClaimLine":       counts["claims"],
			"*openapi.IncidentLine":    counts["incidents"],
			"*openapi.ForceFigureLine": counts["force_figures"],
			"*openapi.EndLine":         1,
		}, "lines by type")
		end, ok := last.(*openapi.EndLine)
		check(ok && end.GetCount() == int64(n-1), "the end line %+v", last)
	})

	c.op("get_openapi", func(string) {
		served, _, err := client.MetaAPI.GetOpenapi(ctx).Execute()
		must(err)
		check(reflect.DeepEqual(served, spec), "the served spec differs from DURAND_SPEC")
	})

	c.op("healthz", func(string) {
		h, _, err := client.HealthAPI.Healthz(ctx).Execute()
		must(err)
		eq(h.GetStatus(), "ok", "status")
	})
	c.op("readyz", func(string) {
		h, _, err := client.HealthAPI.Readyz(ctx).Execute()
		must(err)
		eq(h.GetStatus(), "ready", "status")
	})

	c.op("list_actors", func(asOf string) {
		page, _, err := at(client.ActorsAPI.ListActors(ctx).Count(true).Limit(500), asOf).Execute()
		must(err)
		eq(page.Meta.GetTotal(), counts["actors"], "total")
		eq(int64(len(page.Data)), counts["actors"], "actors")
		var ids []string
		for _, a := range page.Data {
			ids = append(ids, a.GetId())
		}
		check(sort.StringsAreSorted(ids), "order %v", ids)
		states, _, err := at(client.ActorsAPI.ListActors(ctx).Kind(openapi.ActorKind("state")).Country("PK"), asOf).Execute()
		must(err)
		check(len(states.Data) == 1 && states.Data[0].GetId() == "pakistan", "states in PK: %d", len(states.Data))
		p := problem(400, fail(at(client.ActorsAPI.ListActors(ctx).Limit(0), asOf).Execute()))
		eq(p.Errors[0].GetParameter(), "limit", "parameter")
	})

	c.op("get_actor", func(asOf string) {
		ttp, _, err := at(client.ActorsAPI.GetActor(ctx, "ttp"), asOf).Execute()
		must(err)
		eq(ttp.GetName(), "Tehreek-e-Taliban Pakistan", "name")
		check(contains(ttp.GetAliases(), "Pakistani Taliban"), "aliases %v", ttp.GetAliases())
		eq(ttp.GetKind(), openapi.ActorKind("armed_group"), "kind")
		founded := ttp.GetFounded()
		eq(founded.GetValue(), "2007", "founded")
		eq(founded.GetPrecision(), openapi.DatePrecision("year"), "precision")
		problem(404, fail(at(client.ActorsAPI.GetActor(ctx, "no-such-actor"), asOf).Execute()))
	})

	c.op("list_actor_claims", func(asOf string) {
		page, _, err := at(client.ActorsAPI.ListActorClaims(ctx, "pakistan").Limit(500), asOf).Execute()
		must(err)
		check(len(page.Data) > 0, "no claims")
		found := false
		for _, cl := range page.Data {
			eq(cl.GetClaimant(), "pakistan", "claimant")
			found = found || cl.GetId() == claim133
		}
		check(found, "no %s", claim133)
		p := problem(400, fail(at(client.ActorsAPI.ListActorClaims(ctx, "pakistan").From("yesterday"), asOf).Execute()))
		eq(p.Errors[0].GetParameter(), "from", "parameter")
	})

	c.op("list_actor_incidents", func(asOf string) {
		page, _, err := at(client.ActorsAPI.ListActorIncidents(ctx, "ttp").Sort(openapi.IncidentSort("-date")), asOf).Execute()
		must(err)
		check(len(page.Data) > 0, "no incidents")
		var dates []string
		for _, i := range page.Data {
			dates = append(dates, firstDay(i.GetDate()))
			ttp := false
			for _, a := range i.GetActors() {
				ttp = ttp || a.GetActor() == "ttp"
			}
			check(ttp, "%s without ttp", i.GetId())
		}
		check(sort.SliceIsSorted(dates, func(a, b int) bool { return dates[a] > dates[b] }), "order %v", dates)
	})

	c.op("list_actor_force_figures", func(asOf string) {
		page, _, err := at(client.ActorsAPI.ListActorForceFigures(ctx, "afghan-taliban").Metric(openapi.ForceMetric("active_personnel")), asOf).Execute()
		must(err)
		eq(len(page.Data), 1, "figures")
		fig := page.Data[0]
		eq([]any{fig.GetValue(), fig.GetQualifier(), fig.GetClaimant()},
			[]any{int64(172000), openapi.Qualifier("exact"), "press-reports"}, "figure")
		eq(fig.AsOf.GetValue(), "../2026-02-27", "as_of")
		check(fig.AsOf.Start.Get() == nil, "as_of start %v", fig.AsOf.Start.Get())
	})

	c.op("list_sources", func(asOf string) {
		page, _, err := at(client.SourcesAPI.ListSources(ctx).Count(true), asOf).Execute()
		must(err)
		eq(page.Meta.GetTotal(), counts["sources"], "total")
		think, _, err := at(client.SourcesAPI.ListSources(ctx).Kind(openapi.SourceKind("think_tank")), asOf).Execute()
		must(err)
		check(len(think.Data) == 1 && think.Data[0].GetId() == "iiss-2025", "think tanks: %d", len(think.Data))
	})

	c.op("get_source", func(asOf string) {
		src, _, err := at(client.SourcesAPI.GetSource(ctx, "iiss-2025"), asOf).Execute()
		must(err)
		eq(src.GetKind(), openapi.SourceKind("think_tank"), "kind")
		eq(src.GetCitedIn(), "explainer-2026-02-27", "cited_in")
		problem(404, fail(at(client.SourcesAPI.GetSource(ctx, "no-such-source"), asOf).Execute()))
	})

	c.op("list_claims", func(asOf string) {
		// Two pages of 20 with the cursor cover all 28 claims, in order.
		first, _, err := at(client.ClaimsAPI.ListClaims(ctx).Limit(20).Count(true), asOf).Execute()
		must(err)
		eq(first.Meta.GetTotal(), counts["claims"], "total")
		eq(first.Meta.GetCount(), int32(20), "count")
		check(first.Meta.GetNextCursor() != "", "no next cursor")
		second, _, err := at(client.ClaimsAPI.ListClaims(ctx).Limit(20).Cursor(first.Meta.GetNextCursor()), asOf).Execute()
		must(err)
		eq(second.Meta.GetCount(), int32(8), "second page")
		check(second.Meta.NextCursor.Get() == nil, "a next cursor after the last page")
		var starts []string
		for _, cl := range append(first.Data, second.Data...) {
			starts = append(starts, firstDay(cl.GetMadeAt()))
		}
		check(sort.StringsAreSorted(starts), "order %v", starts)
		casualties, _, err := at(client.ClaimsAPI.ListClaims(ctx).Kind(openapi.ClaimKind("casualties")).Claimant("pakistan"), asOf).Execute()
		must(err)
		found := false
		for _, cl := range casualties.Data {
			found = found || cl.GetId() == claim133
		}
		check(found, "no %s", claim133)
		soldiers, _, err := at(client.ClaimsAPI.ListClaims(ctx).Q("soldiers").Sort(openapi.ClaimSort("id")), asOf).Execute()
		must(err)
		check(len(soldiers.Data) > 0, "no claim about soldiers")
		for _, cl := range soldiers.Data {
			check(cl.GetAttribution() != "", "%s without attribution", cl.GetId())
		}
		p := problem(400, fail(at(client.ClaimsAPI.ListClaims(ctx).Limit(0), asOf).Execute()))
		eq(p.Errors[0].GetParameter(), "limit", "parameter")
		eq(p.GetType(), "urn:durand:problem:invalid-parameter", "problem type")
	})

	c.op("get_claim", func(asOf string) {
		claim, res, err := at(client.ClaimsAPI.GetClaim(ctx, claim133), asOf).Execute()
		must(err)
		eq(claim.GetClaimant(), "pakistan", "claimant")
		eq(claim.GetAbout(), []string{"afghan-taliban"}, "about")
		eq(claim.GetKind(), openapi.ClaimKind("casualties"), "kind")
		spokesperson := claim.GetSpokesperson()
		eq(spokesperson.GetName(), "Mosharraf Zaidi", "spokesperson")
		eq(claim.MadeAt.GetValue(), "2026-02-27", "made_at")
		var figs [][]any
		for _, f := range claim.GetFigures() {
			figs = append(figs, []any{f.GetMetric(), f.Value.Get(), f.GetQualifier()})
		}
		v133, v200 := int64(133), int64(200)
		eq(figs, [][]any{
			{"killed", &v133, openapi.Qualifier("at_least")},
			{"wounded", &v200, openapi.Qualifier("more_than")},
			{"casualties_estimated", (*int64)(nil), openapi.Qualifier("unquantified")},
		}, "figures")
		check(strings.Contains(claim.GetAttribution(), "not independently verified"), "attribution %q", claim.GetAttribution())
		// A conditional repeat is a bodiless 304 (an error: the client accepts only 2xx).
		_, again, err := at(client.ClaimsAPI.GetClaim(ctx, claim133).IfNoneMatch(res.Header.Get("ETag")), asOf).Execute()
		check(err != nil && again != nil && again.StatusCode == 304, "no 304: %v", err)
		p := problem(404, fail(at(client.ClaimsAPI.GetClaim(ctx, "no-such-claim"), asOf).Execute()))
		check(strings.Contains(p.GetDetail(), "no-such-claim"), "detail %q", p.GetDetail())
	})

	c.op("list_incidents", func(asOf string) {
		page, _, err := at(client.IncidentsAPI.ListIncidents(ctx).From("2026-02").To("2026-02"), asOf).Execute()
		must(err)
		found := false
		for _, i := range page.Data {
			found = found || i.GetId() == "pakistan-strikes-on-taliban-2026-02-27"
		}
		check(found, "February's strikes missing")
		boxed, _, err := at(client.IncidentsAPI.ListIncidents(ctx).Bbox("65,31,66.5,32"), asOf).Execute()
		must(err)
		check(len(boxed.Data) > 0, "nothing in the Kandahar box")
		total, _, err := at(client.IncidentsAPI.ListIncidents(ctx).Count(true).Limit(1), asOf).Execute()
		must(err)
		eq(total.Meta.GetTotal(), counts["incidents"], "total")
		problem(400, fail(at(client.IncidentsAPI.ListIncidents(ctx).Bbox("1,2,3"), asOf).Execute()))
	})

	c.op("get_incident", func(asOf string) {
		inc, _, err := at(client.IncidentsAPI.GetIncident(ctx, "pakistan-strikes-on-taliban-2026-02-27"), asOf).Execute()
		must(err)
		check(contains(inc.GetClaims(), claim133), "claims %v", inc.GetClaims())
		var names, actors []string
		for _, l := range inc.GetLocations() {
			names = append(names, l.GetName())
		}
		for _, a := range inc.GetActors() {
			actors = append(actors, a.GetActor()+":"+string(a.GetRole()))
		}
		sort.Strings(actors)
		eq(names, []string{"Afghanistan", "Kabul", "Paktia", "Kandahar"}, "locations")
		eq(actors, []string{"afghan-taliban:target", "pakistan:perpetrator"}, "actors")
		problem(404, fail(at(client.IncidentsAPI.GetIncident(ctx, "no-such-incident"), asOf).Execute()))
	})

	c.op("list_force_figures", func(asOf string) {
		page, _, err := at(client.ForceFiguresAPI.ListForceFigures(ctx).Actor("pakistan,afghan-taliban").Count(true), asOf).Execute()
		must(err)
		eq(page.Meta.GetTotal(), counts["force_figures"], "total")
		var pk *openapi.ForceFigure
		for i := range page.Data {
			if page.Data[i].GetId() == "pakistan-active-personnel-2025" {
				pk = &page.Data[i]
			}
		}
		check(pk != nil, "no pakistan-active-personnel-2025")
		eq([]any{pk.GetValue(), pk.GetQualifier(), pk.GetClaimant()},
			[]any{int64(600000), openapi.Qualifier("more_than"), "iiss"}, "figure")
	})

	c.op("get_force_figure", func(asOf string) {
		fig, _, err := at(client.ForceFiguresAPI.GetForceFigure(ctx, "afghan-taliban-active-personnel-2025"), asOf).Execute()
		must(err)
		eq([]any{fig.GetActor(), fig.GetValue(), fig.GetQualifier()},
			[]any{"afghan-taliban", int64(172000), openapi.Qualifier("exact")}, "figure")
		check(fig.GetAttribution() != "", "no attribution")
		problem(404, fail(at(client.ForceFiguresAPI.GetForceFigure(ctx, "no-such-figure"), asOf).Execute()))
	})

	c.op("force_comparison", func(asOf string) {
		cmp, _, err := at(client.ForceFiguresAPI.ForceComparison(ctx).Actors("pakistan,afghan-taliban"), asOf).Execute()
		must(err)
		eq(cmp.GetActors(), []string{"pakistan", "afghan-taliban"}, "actors")
		var active *openapi.MetricComparison
		for i := range cmp.Metrics {
			if cmp.Metrics[i].GetMetric() == openapi.ForceMetric("active_personnel") {
				active = &cmp.Metrics[i]
			}
		}
		check(active != nil, "no active_personnel comparison")
		ratio := active.GetRatio()
		eq([]any{ratio.GetValue(), ratio.GetExact()}, []any{3.49, false}, "ratio")
		var stated []string
		for _, cl := range active.GetStated() {
			stated = append(stated, cl.GetId())
		}
		eq(stated, []string{"source-compares-taliban-personnel-to-pakistan"}, "stated")
		p := problem(400, fail(at(client.ForceFiguresAPI.ForceComparison(ctx).Actors("pakistan"), asOf).Execute()))
		eq(p.Errors[0].GetParameter(), "actors", "parameter")
	})

	c.op("list_timeline", func(asOf string) {
		page, _, err := at(client.TimelineAPI.ListTimeline(ctx).From("2026-02").Actor("afghan-taliban").Limit(500), asOf).Execute()
		must(err)
		types := map[openapi.TimelineEntryType]bool{}
		var starts []string
		for _, e := range page.Data {
			types[e.GetType()] = true
			starts = append(starts, firstDay(e.GetDate()))
		}
		eq(types, map[openapi.TimelineEntryType]bool{"claim": true, "incident": true}, "types")
		check(sort.StringsAreSorted(starts), "order %v", starts)
	})

	c.op("search", func(asOf string) {
		page, _, err := at(client.SearchAPI.Search(ctx).Q("Bajaur"), asOf).Execute()
		must(err)
		top := page.Data[0]
		eq([]any{top.GetType(), top.GetId()}, []any{openapi.SearchHitType("incident"), "bajaur-assault-2026"}, "top hit")
		check(strings.Contains(top.GetSnippet(), "<mark>Bajaur</mark>"), "snippet %q", top.GetSnippet())
		ttp, _, err := at(client.SearchAPI.Search(ctx).Q(`"Pakistani Taliban"`).Type_(openapi.SearchHitType("actor")), asOf).Execute()
		must(err)
		eq(ttp.Data[0].GetUrl(), "/v1/actors/ttp", "url")
		p := problem(400, fail(at(client.SearchAPI.Search(ctx).Q(" "), asOf).Execute()))
		eq(p.Errors[0].GetParameter(), "q", "parameter")
	})

	c.op("list_revisions", func(asOf string) {
		page, _, err := at(client.HistoryAPI.ListRevisions(ctx, openapi.Resource("claims"), claim133), asOf).Execute()
		must(err)
		first := page.Data[0]
		eq([]any{first.GetOperation(), first.GetId(), first.GetAuthor()},
			[]any{openapi.Operation("create"), claim133, "import"}, "first revision")
		problem(404, fail(at(client.HistoryAPI.ListRevisions(ctx, openapi.Resource("claims"), "no-such-claim"), asOf).Execute()))
	})

	c.op("list_changes", func(asOf string) {
		page, _, err := at(client.HistoryAPI.ListChanges(ctx).Since(0).Limit(5), asOf).Execute()
		must(err)
		eq(len(page.Data), 5, "changes")
		check(page.Meta.GetNextCursor() != "", "no next cursor")
		// The whole feed, page by page, each entry decoded into its variant (a oneOf by
		// resource): at version 1, the import's creates; after it, whatever earlier steps
		// wrote, deletes (a tombstone and no record) included.
		ops := map[openapi.Operation]int64{}
		cursor := ""
		for {
			r := client.HistoryAPI.ListChanges(ctx).Since(0).Limit(500)
			if cursor != "" {
				r = r.Cursor(cursor)
			}
			page, _, err := at(r, asOf).Execute()
			must(err)
			for _, ch := range page.Data {
				c := changeOf(ch.GetActualInstance())
				ops[c.operation]++
				if c.operation == openapi.Operation("delete") {
					check(c.recordID == "" && c.tombstone != nil, "a delete: %+v", c)
				} else {
					check(c.recordID == c.id && c.tombstone == nil, "a %s: %+v", c.operation, c)
				}
			}
			cursor = page.Meta.GetNextCursor()
			if cursor == "" {
				break
			}
		}
		if asOf == "1" {
			var all int64
			for _, n := range counts {
				all += n
			}
			eq(ops, map[openapi.Operation]int64{"create": all}, "changes at version 1")
		}
	})
}

// change is what every variant of a change-feed entry holds, read through its typed getters.
type change struct {
	operation openapi.Operation
	id        string
	recordID  string
	tombstone *openapi.Tombstone
}

func changeOf(v any) change {
	switch c := v.(type) {
	case *openapi.SourceChange:
		r, _ := c.GetRecordOk()
		t, _ := c.GetTombstoneOk()
		return change{c.GetOperation(), c.GetId(), r.GetId(), t}
	case *openapi.ActorChange:
		r, _ := c.GetRecordOk()
		t, _ := c.GetTombstoneOk()
		return change{c.GetOperation(), c.GetId(), r.GetId(), t}
	case *openapi.IncidentChange:
		r, _ := c.GetRecordOk()
		t, _ := c.GetTombstoneOk()
		return change{c.GetOperation(), c.GetId(), r.GetId(), t}
	case *openapi.ClaimChange:
		r, _ := c.GetRecordOk()
		t, _ := c.GetTombstoneOk()
		return change{c.GetOperation(), c.GetId(), r.GetId(), t}
	case *openapi.ForceFigureChange:
		r, _ := c.GetRecordOk()
		t, _ := c.GetTombstoneOk()
		return change{c.GetOperation(), c.GetId(), r.GetId(), t}
	}
	panic(failure{fmt.Sprintf("a change of no known kind: %T", v)})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func main() {
	base, specPath := os.Args[1], os.Args[2]
	raw, err := os.ReadFile(specPath)
	if err != nil {
		fmt.Println("contract: go:", err)
		os.Exit(2)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		fmt.Println("contract: go:", err)
		os.Exit(2)
	}
	c := &checks{gets: map[string]bool{}, called: map[string]bool{}, calledAsOf: map[string]bool{},
		failed: map[string]string{}, rec: &recorder{},
		// A second ago: not in the future, and after the server's first version.
		time: time.Now().UTC().Add(-time.Second).Truncate(time.Second).Format(time.RFC3339)}
	for _, item := range spec["paths"].(map[string]any) {
		get, ok := item.(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		takesAsOf := false
		params, _ := get["parameters"].([]any)
		for _, p := range params {
			takesAsOf = takesAsOf || p.(map[string]any)["name"] == "as_of"
		}
		c.gets[get["operationId"].(string)] = takesAsOf
	}

	cfg := openapi.NewConfiguration()
	cfg.Servers = openapi.ServerConfigurations{{URL: base}}
	cfg.HTTPClient = &http.Client{Transport: c.rec, Timeout: 30 * time.Second}
	c.run(openapi.NewAPIClient(cfg), spec, base)

	var keys []string
	for k := range c.failed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("FAIL %s: %s\n", k, c.failed[k])
	}
	var ids []string
	for id := range c.gets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	plain, timed, withAsOf := 0, 0, 0
	for _, id := range ids {
		if !c.called[id] {
			fmt.Printf("FAIL %s: a GET operation of the spec that check does not call\n", id)
			continue
		}
		if _, bad := c.failed[id]; !bad {
			plain++
		}
		if c.gets[id] {
			withAsOf++
			_, bad1 := c.failed[id+" with as_of=1"]
			_, bad2 := c.failed[id+" with as_of="+c.time]
			if c.calledAsOf[id] && !bad1 && !bad2 {
				timed++
			}
		}
	}
	unknown := 0
	for id := range c.called {
		if _, ok := c.gets[id]; !ok {
			fmt.Printf("FAIL %s: called but not a GET operation of the spec\n", id)
			unknown++
		}
	}
	fmt.Printf("contract: go %d/%d GET operations called and passed without as_of, %d/%d with as_of (a version and a time)\n",
		plain, len(ids), timed, withAsOf)
	if plain != len(ids) || timed != withAsOf || unknown > 0 {
		os.Exit(1)
	}
}
