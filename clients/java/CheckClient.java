import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.durand.client.ApiClient;
import org.durand.client.ApiException;
import org.durand.client.ApiResponse;
import org.durand.client.api.ActorsApi;
import org.durand.client.api.ClaimsApi;
import org.durand.client.api.DatasetApi;
import org.durand.client.api.ForceFiguresApi;
import org.durand.client.api.HealthApi;
import org.durand.client.api.HistoryApi;
import org.durand.client.api.IncidentsApi;
import org.durand.client.api.MetaApi;
import org.durand.client.api.SearchApi;
import org.durand.client.api.SourcesApi;
import org.durand.client.api.TimelineApi;
import org.durand.client.model.*;

/**
 * Calls every GET operation of the Durand API through the Java client that openapi-generator
 * ({@code -g java --library native}) generated from openapi/openapi.json, against a live server,
 * and checks what comes back, decoded into the client's models. Each operation is called without
 * {@code as_of}; those that take it are called again with {@code as_of} as a version ({@code 1})
 * and as an RFC 3339 time, and each such request must have gone out with {@code as_of} in its
 * query string as given and have been answered from that version.
 *
 * <p>Usage: {@code java CheckClient BASE_URL SPEC} (clients/java/run.sh). Exits non-zero when a
 * check fails, or when the spec has a GET operation this program does not call, so a new read
 * cannot go unexercised.
 */
public final class CheckClient {
    static final String CLAIM_133 = "pakistan-claims-133-taliban-killed";
    static final Map<String, Long> COUNTS =
            Map.of("actors", 16L, "sources", 3L, "claims", 28L, "incidents", 10L, "force_figures", 10L);

    /** One call of an operation: {@code asOf} is null, a version or a time. */
    interface Call {
        void run(String asOf) throws Exception;
    }

    final ObjectMapper mapper;
    final JsonNode spec;
    /** The spec's GET operations: operationId to whether it takes {@code as_of}. */
    final Map<String, Boolean> gets = new TreeMap<>();
    final Set<String> called = new TreeSet<>();
    final Set<String> calledWithAsOf = new TreeSet<>();
    final Map<String, String> failed = new TreeMap<>();
    /** Every response this client received (interceptor), to check the query it was sent with. */
    final List<HttpResponse<?>> responses = new ArrayList<>();
    final String time;

    CheckClient(ObjectMapper mapper, JsonNode spec) {
        this.mapper = mapper;
        this.spec = spec;
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            JsonNode get = paths.next().getValue().get("get");
            if (get == null) continue;
            boolean asOf = false;
            for (JsonNode p : get.path("parameters")) asOf |= "as_of".equals(p.path("name").asText());
            gets.put(get.get("operationId").asText(), asOf);
        }
        // A second ago: not in the future, and after the server's first version.
        time = Instant.now().minus(1, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Runs {@code call} without as_of and, if the operation takes it, with both forms of it. */
    void op(String id, Call call) {
        called.add(id);
        List<String> forms = new ArrayList<>();
        forms.add(null);
        if (gets.getOrDefault(id, false)) {
            calledWithAsOf.add(id);
            forms.add("1");
            forms.add(time);
        }
        for (String asOf : forms) {
            String key = asOf == null ? id : id + " with as_of=" + asOf;
            int before = responses.size();
            try {
                call.run(asOf);
                List<HttpResponse<?>> mine = responses.subList(before, responses.size());
                check(!mine.isEmpty(), "no request went out");
                for (HttpResponse<?> r : mine) {
                    String query = Objects.toString(r.uri().getRawQuery(), "");
                    if (asOf == null) {
                        check(!query.contains("as_of"), "as_of sent though not given: " + query);
                        continue;
                    }
                    String sent = "as_of=" + asOf.replace(":", "%3A");
                    check(query.contains(sent) || query.contains("as_of=" + asOf), "as_of not sent as given: " + query);
                    if (asOf.equals("1") && r.statusCode() == 200) {
                        check("1".equals(r.headers().firstValue("durand-dataset-version").orElse(null)),
                                "as_of=1 answered from version " + r.headers().firstValue("durand-dataset-version"));
                    }
                }
            } catch (Throwable e) {
                StackTraceElement where = null;
                for (StackTraceElement el : e.getStackTrace()) {
                    if (el.getClassName().startsWith("CheckClient")) {
                        where = el;
                        break;
                    }
                }
                String body = e instanceof ApiException ae ? ": " + cut(ae.getResponseBody()) : "";
                failed.putIfAbsent(key, e.getClass().getSimpleName() + ": " + cut(e.getMessage()) + body
                        + (where == null ? "" : " (line " + where.getLineNumber() + ")"));
            }
        }
    }

    static String cut(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static void check(boolean ok, Object what) {
        if (!ok) throw new AssertionError(String.valueOf(what));
    }

    static <T> void eq(T got, T want, String what) {
        check(Objects.equals(got, want), what + ": " + got + ", not " + want);
    }

    /** Asserts a problem+json error with {@code status}, decoded into the client's Problem model. */
    Problem problem(int status, Call call, String asOf) throws Exception {
        try {
            call.run(asOf);
        } catch (ApiException e) {
            eq(e.getCode(), status, "status");
            eq(e.getResponseHeaders().firstValue("content-type").orElse(null), "application/problem+json", "content-type");
            Problem p = mapper.readValue(e.getResponseBody(), Problem.class);
            eq(p.getStatus(), status, "problem status");
            check(p.getTitle() != null && p.getDetail() != null && p.getType() != null, p);
            return p;
        }
        throw new AssertionError("no error, expected " + status);
    }

    /** A partial date's first day as text; an open start sorts before every date. */
    static String firstDay(PartialDate d) {
        return d.getStart() == null ? "" : d.getStart().toString();
    }

    void run(ApiClient client) {
        DatasetApi dataset = new DatasetApi(client);
        MetaApi meta = new MetaApi(client);
        HealthApi health = new HealthApi(client);
        ActorsApi actors = new ActorsApi(client);
        SourcesApi sources = new SourcesApi(client);
        ClaimsApi claims = new ClaimsApi(client);
        IncidentsApi incidents = new IncidentsApi(client);
        ForceFiguresApi figures = new ForceFiguresApi(client);
        TimelineApi timeline = new TimelineApi(client);
        SearchApi search = new SearchApi(client);
        HistoryApi history = new HistoryApi(client);

        op("get_dataset", asOf -> {
            DatasetInfo info = dataset.getDataset(DatasetApi.APIGetDatasetRequest.newBuilder().asOf(asOf).build());
            eq(info.getLicence(), "CC-BY-4.0", "licence");
            Counts c = info.getCounts();
            eq(Map.of("actors", c.getActors(), "sources", c.getSources(), "claims", c.getClaims(),
                    "incidents", c.getIncidents(), "force_figures", c.getForceFigures()), COUNTS, "counts");
            check(info.getCitation().contains("Durand"), info.getCitation());
            if ("1".equals(asOf)) eq(info.getVersion(), 1L, "version");
        });

        op("export", asOf -> {
            var request = DatasetApi.APIExportRequest.newBuilder().asOf(asOf).build();
            // The generated method decodes one JSON value: the body's first line.
            ApiResponse<ExportLine> first = dataset.exportWithHttpInfo(request);
            eq(first.getStatusCode(), 200, "status");
            check(first.getData().getActualInstance() instanceof DatasetLine, "first line " + first.getData());
            // The whole body, each line decoded into the client's ExportLine (a oneOf by type).
            String url = client.getBaseUri() + "/v1/export" + (asOf == null ? "" : "?as_of=" + asOf.replace(":", "%3A"));
            HttpResponse<String> all = client.getHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            responses.add(all);
            eq(all.statusCode(), 200, "status");
            check(all.headers().firstValue("content-type").orElse("").startsWith("application/x-ndjson"), all.headers());
            Map<Class<?>, Long> kinds = new java.util.HashMap<>();
            List<String> lines = all.body().lines().filter(l -> !l.isEmpty()).toList();
            Object last = null;
            for (String line : lines) {
                last = mapper.readValue(line, ExportLine.class).getActualInstance();
                kinds.merge(last.getClass(), 1L, Long::sum);
                if (last instanceof ClaimLine c) check(c.getData().getClaimant() != null, "a claim line without claimant");
                if (last instanceof ForceFigureLine f) check(f.getData().getQualifier() != null, "a figure line without qualifier");
            }
            eq(kinds.get(DatasetLine.class), 1L, "dataset lines");
            eq(kinds.get(ActorLine.class), COUNTS.get("actors"), "actor lines");
            eq(kinds.get(SourceLine.class), COUNTS.get("sources"), "source lines");
            eq(kinds.get(ClaimLine.class), COUNTS.get("claims"), "claim lines");
            eq(kinds.get(IncidentLine.class), COUNTS.get("incidents"), "incident lines");
            eq(kinds.get(ForceFigureLine.class), COUNTS.get("force_figures"), "force figure lines");
            check(last instanceof EndLine end && end.getCount() == lines.size() - 1, "the end line " + last);
        });

        op("get_openapi", asOf -> {
            Object served = meta.getOpenapi(MetaApi.APIGetOpenapiRequest.newBuilder().build());
            // Compared as trees by a plain mapper: the client's own drops null members when it
            // writes (NON_NULL), and the spec has some (`"note": null` in examples).
            check(new ObjectMapper().valueToTree(served).equals(spec), "the served spec differs from DURAND_SPEC");
        });

        op("healthz", asOf -> eq(health.healthz().getStatus(), "ok", "status"));
        op("readyz", asOf -> eq(health.readyz().getStatus(), "ready", "status"));

        op("list_actors", asOf -> {
            ActorPage page = actors.listActors(ActorsApi.APIListActorsRequest.newBuilder()
                    .count(true).limit(500).asOf(asOf).build());
            eq(page.getMeta().getTotal(), COUNTS.get("actors"), "total");
            eq((long) page.getData().size(), COUNTS.get("actors"), "actors");
            List<String> ids = page.getData().stream().map(Actor::getId).toList();
            eq(ids, ids.stream().sorted().toList(), "order");
            ActorPage states = actors.listActors(ActorsApi.APIListActorsRequest.newBuilder()
                    .kind(ActorKind.fromValue("state")).country("PK").asOf(asOf).build());
            eq(states.getData().stream().map(Actor::getId).toList(), List.of("pakistan"), "states in PK");
            Problem p = problem(400, a -> actors.listActors(ActorsApi.APIListActorsRequest.newBuilder()
                    .limit(0).asOf(a).build()), asOf);
            eq(p.getErrors().get(0).getParameter(), "limit", "parameter");
        });

        op("get_actor", asOf -> {
            Actor ttp = actors.getActor(ActorsApi.APIGetActorRequest.newBuilder().id("ttp").asOf(asOf).build());
            eq(ttp.getName(), "Tehreek-e-Taliban Pakistan", "name");
            check(ttp.getAliases().contains("Pakistani Taliban"), ttp.getAliases());
            eq(ttp.getKind(), ActorKind.fromValue("armed_group"), "kind");
            eq(ttp.getFounded().getValue(), "2007", "founded");
            eq(ttp.getFounded().getPrecision(), DatePrecision.fromValue("year"), "precision");
            problem(404, a -> actors.getActor(ActorsApi.APIGetActorRequest.newBuilder()
                    .id("no-such-actor").asOf(a).build()), asOf);
        });

        op("list_actor_claims", asOf -> {
            ClaimPage page = actors.listActorClaims(ActorsApi.APIListActorClaimsRequest.newBuilder()
                    .id("pakistan").limit(500).asOf(asOf).build());
            check(!page.getData().isEmpty(), "no claims");
            check(page.getData().stream().allMatch(c -> c.getClaimant().equals("pakistan")), "claimants");
            check(page.getData().stream().anyMatch(c -> c.getId().equals(CLAIM_133)), "no " + CLAIM_133);
            Problem p = problem(400, a -> actors.listActorClaims(ActorsApi.APIListActorClaimsRequest.newBuilder()
                    .id("pakistan").from("yesterday").asOf(a).build()), asOf);
            eq(p.getErrors().get(0).getParameter(), "from", "parameter");
        });

        op("list_actor_incidents", asOf -> {
            IncidentPage page = actors.listActorIncidents(ActorsApi.APIListActorIncidentsRequest.newBuilder()
                    .id("ttp").sort(IncidentSort.fromValue("-date")).asOf(asOf).build());
            List<String> dates = page.getData().stream().map(i -> firstDay(i.getDate())).toList();
            check(!dates.isEmpty(), "no incidents");
            eq(dates, dates.stream().sorted((a, b) -> b.compareTo(a)).toList(), "order");
            check(page.getData().stream().allMatch(i -> i.getActors().stream().anyMatch(a -> a.getActor().equals("ttp"))),
                    "an incident without ttp");
        });

        op("list_actor_force_figures", asOf -> {
            ForceFigurePage page = actors.listActorForceFigures(ActorsApi.APIListActorForceFiguresRequest.newBuilder()
                    .id("afghan-taliban").metric(ForceMetric.fromValue("active_personnel")).asOf(asOf).build());
            eq(page.getData().size(), 1, "figures");
            ForceFigure fig = page.getData().get(0);
            eq(List.of(fig.getValue(), fig.getQualifier(), fig.getClaimant()),
                    List.of(172000L, Qualifier.fromValue("exact"), "press-reports"), "figure");
            eq(fig.getAsOf().getValue(), "../2026-02-27", "as_of");
            eq(fig.getAsOf().getStart(), null, "as_of start");
        });

        op("list_sources", asOf -> {
            SourcePage page = sources.listSources(SourcesApi.APIListSourcesRequest.newBuilder()
                    .count(true).asOf(asOf).build());
            eq(page.getMeta().getTotal(), COUNTS.get("sources"), "total");
            SourcePage think = sources.listSources(SourcesApi.APIListSourcesRequest.newBuilder()
                    .kind(SourceKind.fromValue("think_tank")).asOf(asOf).build());
            eq(think.getData().stream().map(Source::getId).toList(), List.of("iiss-2025"), "think tanks");
        });

        op("get_source", asOf -> {
            Source src = sources.getSource(SourcesApi.APIGetSourceRequest.newBuilder().id("iiss-2025").asOf(asOf).build());
            eq(src.getKind(), SourceKind.fromValue("think_tank"), "kind");
            eq(src.getCitedIn(), "explainer-2026-02-27", "cited_in");
            problem(404, a -> sources.getSource(SourcesApi.APIGetSourceRequest.newBuilder()
                    .id("no-such-source").asOf(a).build()), asOf);
        });

        op("list_claims", asOf -> {
            // Two pages of 20 with the cursor cover all 28 claims, in order.
            ClaimPage first = claims.listClaims(ClaimsApi.APIListClaimsRequest.newBuilder()
                    .limit(20).count(true).asOf(asOf).build());
            eq(first.getMeta().getTotal(), COUNTS.get("claims"), "total");
            eq(first.getMeta().getCount(), 20, "count");
            check(first.getMeta().getNextCursor() != null, "no next cursor");
            ClaimPage second = claims.listClaims(ClaimsApi.APIListClaimsRequest.newBuilder()
                    .limit(20).cursor(first.getMeta().getNextCursor()).asOf(asOf).build());
            eq(second.getMeta().getCount(), 8, "second page");
            eq(second.getMeta().getNextCursor(), null, "next cursor after the last page");
            List<String> starts = new ArrayList<>();
            for (ClaimPage p : List.of(first, second)) for (Claim c : p.getData()) starts.add(firstDay(c.getMadeAt()));
            eq(starts, starts.stream().sorted().toList(), "order");
            ClaimPage casualties = claims.listClaims(ClaimsApi.APIListClaimsRequest.newBuilder()
                    .kind(ClaimKind.fromValue("casualties")).claimant("pakistan").asOf(asOf).build());
            check(casualties.getData().stream().anyMatch(c -> c.getId().equals(CLAIM_133)), "no " + CLAIM_133);
            ClaimPage found = claims.listClaims(ClaimsApi.APIListClaimsRequest.newBuilder()
                    .q("soldiers").sort(ClaimSort.fromValue("id")).asOf(asOf).build());
            check(!found.getData().isEmpty() && found.getData().stream().allMatch(c -> c.getAttribution() != null), "search");
            Problem p = problem(400, a -> claims.listClaims(ClaimsApi.APIListClaimsRequest.newBuilder()
                    .limit(0).asOf(a).build()), asOf);
            eq(p.getErrors().get(0).getParameter(), "limit", "parameter");
            eq(p.getType(), "urn:durand:problem:invalid-parameter", "problem type");
        });

        op("get_claim", asOf -> {
            var request = ClaimsApi.APIGetClaimRequest.newBuilder().id(CLAIM_133).asOf(asOf);
            ApiResponse<Claim> r = claims.getClaimWithHttpInfo(request.build());
            Claim claim = r.getData();
            eq(claim.getClaimant(), "pakistan", "claimant");
            eq(claim.getAbout(), List.of("afghan-taliban"), "about");
            eq(claim.getKind(), ClaimKind.fromValue("casualties"), "kind");
            eq(claim.getSpokesperson().getName(), "Mosharraf Zaidi", "spokesperson");
            eq(claim.getMadeAt().getValue(), "2026-02-27", "made_at");
            List<List<Object>> figs = claim.getFigures().stream()
                    .map(f -> java.util.Arrays.<Object>asList(f.getMetric(), f.getValue(), f.getQualifier())).toList();
            eq(figs, List.of(
                    java.util.Arrays.<Object>asList("killed", 133L, Qualifier.fromValue("at_least")),
                    java.util.Arrays.<Object>asList("wounded", 200L, Qualifier.fromValue("more_than")),
                    java.util.Arrays.<Object>asList("casualties_estimated", null, Qualifier.fromValue("unquantified"))),
                    "figures");
            check(claim.getAttribution().contains("not independently verified"), claim.getAttribution());
            // A conditional repeat is a bodiless 304 (an ApiException: the client accepts only 2xx).
            String etag = r.getHeaders().get("etag").get(0);
            try {
                claims.getClaim(request.ifNoneMatch(etag).build());
                throw new AssertionError("no 304");
            } catch (ApiException e) {
                eq(e.getCode(), 304, "status");
            }
            Problem p = problem(404, a -> claims.getClaim(ClaimsApi.APIGetClaimRequest.newBuilder()
                    .id("no-such-claim").asOf(a).build()), asOf);
            check(p.getDetail().contains("no-such-claim"), p.getDetail());
        });

        op("list_incidents", asOf -> {
            IncidentPage page = incidents.listIncidents(IncidentsApi.APIListIncidentsRequest.newBuilder()
                    .from("2026-02").to("2026-02").asOf(asOf).build());
            check(page.getData().stream().anyMatch(i -> i.getId().equals("pakistan-strikes-on-taliban-2026-02-27")), "February");
            IncidentPage boxed = incidents.listIncidents(IncidentsApi.APIListIncidentsRequest.newBuilder()
                    .bbox("65,31,66.5,32").asOf(asOf).build());
            check(!boxed.getData().isEmpty(), "nothing in the Kandahar box");
            IncidentPage total = incidents.listIncidents(IncidentsApi.APIListIncidentsRequest.newBuilder()
                    .count(true).limit(1).asOf(asOf).build());
            eq(total.getMeta().getTotal(), COUNTS.get("incidents"), "total");
            problem(400, a -> incidents.listIncidents(IncidentsApi.APIListIncidentsRequest.newBuilder()
                    .bbox("1,2,3").asOf(a).build()), asOf);
        });

        op("get_incident", asOf -> {
            Incident inc = incidents.getIncident(IncidentsApi.APIGetIncidentRequest.newBuilder()
                    .id("pakistan-strikes-on-taliban-2026-02-27").asOf(asOf).build());
            check(inc.getClaims().contains(CLAIM_133), inc.getClaims());
            eq(inc.getLocations().stream().map(Location::getName).toList(),
                    List.of("Afghanistan", "Kabul", "Paktia", "Kandahar"), "locations");
            eq(inc.getActors().stream().map(a -> a.getActor() + ":" + a.getRole().getValue()).collect(Collectors.toSet()),
                    Set.of("pakistan:perpetrator", "afghan-taliban:target"), "actors");
            problem(404, a -> incidents.getIncident(IncidentsApi.APIGetIncidentRequest.newBuilder()
                    .id("no-such-incident").asOf(a).build()), asOf);
        });

        op("list_force_figures", asOf -> {
            ForceFigurePage page = figures.listForceFigures(ForceFiguresApi.APIListForceFiguresRequest.newBuilder()
                    .actor("pakistan,afghan-taliban").count(true).asOf(asOf).build());
            eq(page.getMeta().getTotal(), COUNTS.get("force_figures"), "total");
            ForceFigure pk = page.getData().stream()
                    .filter(f -> f.getId().equals("pakistan-active-personnel-2025")).findFirst().orElseThrow();
            eq(List.of(pk.getValue(), pk.getQualifier(), pk.getClaimant()),
                    List.of(600000L, Qualifier.fromValue("more_than"), "iiss"), "figure");
        });

        op("get_force_figure", asOf -> {
            ForceFigure fig = figures.getForceFigure(ForceFiguresApi.APIGetForceFigureRequest.newBuilder()
                    .id("afghan-taliban-active-personnel-2025").asOf(asOf).build());
            eq(List.of(fig.getActor(), fig.getValue(), fig.getQualifier()),
                    List.of("afghan-taliban", 172000L, Qualifier.fromValue("exact")), "figure");
            check(fig.getAttribution() != null, "no attribution");
            problem(404, a -> figures.getForceFigure(ForceFiguresApi.APIGetForceFigureRequest.newBuilder()
                    .id("no-such-figure").asOf(a).build()), asOf);
        });

        op("force_comparison", asOf -> {
            ForceComparison cmp = figures.forceComparison(ForceFiguresApi.APIForceComparisonRequest.newBuilder()
                    .actors("pakistan,afghan-taliban").asOf(asOf).build());
            eq(cmp.getActors(), List.of("pakistan", "afghan-taliban"), "actors");
            MetricComparison active = cmp.getMetrics().stream()
                    .filter(m -> m.getMetric() == ForceMetric.fromValue("active_personnel")).findFirst().orElseThrow();
            eq(active.getRatio().getValue(), 3.49, "ratio");
            eq(active.getRatio().getExact(), false, "exact");
            eq(active.getStated().stream().map(Claim::getId).toList(),
                    List.of("source-compares-taliban-personnel-to-pakistan"), "stated");
            Problem p = problem(400, a -> figures.forceComparison(ForceFiguresApi.APIForceComparisonRequest.newBuilder()
                    .actors("pakistan").asOf(a).build()), asOf);
            eq(p.getErrors().get(0).getParameter(), "actors", "parameter");
        });

        op("list_timeline", asOf -> {
            TimelinePage page = timeline.listTimeline(TimelineApi.APIListTimelineRequest.newBuilder()
                    .from("2026-02").actor("afghan-taliban").limit(500).asOf(asOf).build());
            eq(page.getData().stream().map(TimelineEntry::getType).collect(Collectors.toSet()),
                    Set.of(TimelineEntryType.fromValue("claim"), TimelineEntryType.fromValue("incident")), "types");
            List<String> starts = page.getData().stream().map(e -> firstDay(e.getDate())).toList();
            eq(starts, starts.stream().sorted().toList(), "order");
        });

        op("search", asOf -> {
            SearchPage page = search.search(SearchApi.APISearchRequest.newBuilder().q("Bajaur").asOf(asOf).build());
            SearchHit top = page.getData().get(0);
            eq(List.of(top.getType(), top.getId()), List.of(SearchHitType.fromValue("incident"), "bajaur-assault-2026"), "top hit");
            check(top.getSnippet().contains("<mark>Bajaur</mark>"), top.getSnippet());
            SearchPage ttp = search.search(SearchApi.APISearchRequest.newBuilder()
                    .q("\"Pakistani Taliban\"").type(SearchHitType.fromValue("actor")).asOf(asOf).build());
            eq(ttp.getData().get(0).getUrl(), "/v1/actors/ttp", "url");
            Problem p = problem(400, a -> search.search(SearchApi.APISearchRequest.newBuilder().q(" ").asOf(a).build()), asOf);
            eq(p.getErrors().get(0).getParameter(), "q", "parameter");
        });

        op("list_revisions", asOf -> {
            RevisionPage page = history.listRevisions(HistoryApi.APIListRevisionsRequest.newBuilder()
                    .resource(Resource.fromValue("claims")).id(CLAIM_133).asOf(asOf).build());
            Revision first = page.getData().get(0);
            eq(List.of(first.getOperation(), first.getId(), first.getAuthor()),
                    List.of(Operation.fromValue("create"), CLAIM_133, "import"), "first revision");
            problem(404, a -> history.listRevisions(HistoryApi.APIListRevisionsRequest.newBuilder()
                    .resource(Resource.fromValue("claims")).id("no-such-claim").asOf(a).build()), asOf);
        });

        op("list_changes", asOf -> {
            ChangePage page = history.listChanges(HistoryApi.APIListChangesRequest.newBuilder()
                    .since(0L).limit(5).asOf(asOf).build());
            eq(page.getData().size(), 5, "changes");
            check(page.getMeta().getNextCursor() != null, "no next cursor");
            // The whole feed, page by page, each entry decoded into its variant (a oneOf by
            // resource): at version 1, the import's creates; after it, whatever earlier steps
            // wrote, deletes (a tombstone and no record) included.
            Map<Operation, Long> ops = new TreeMap<>();
            String cursor = null;
            do {
                page = history.listChanges(HistoryApi.APIListChangesRequest.newBuilder()
                        .since(0L).limit(500).cursor(cursor).asOf(asOf).build());
                for (FeedChange ch : page.getData()) {
                    Change c = Change.of(ch.getActualInstance());
                    ops.merge(c.operation(), 1L, Long::sum);
                    if (c.operation() == Operation.fromValue("delete")) {
                        check(c.recordId() == null && c.tombstone() != null, "a delete: " + c);
                    } else {
                        check(Objects.equals(c.recordId(), c.id()) && c.tombstone() == null, "a " + c.operation() + ": " + c);
                    }
                }
                cursor = page.getMeta().getNextCursor();
            } while (cursor != null);
            long all = COUNTS.values().stream().mapToLong(Long::longValue).sum();
            if ("1".equals(asOf)) eq(ops, Map.of(Operation.fromValue("create"), all), "changes at version 1");
        });
    }

    /** What every variant of a change-feed entry holds, read through its own typed getters. */
    record Change(String resource, Operation operation, String id, String recordId, Tombstone tombstone) {
        static Change of(Object v) {
            if (v instanceof SourceChange c)
                return new Change("sources", c.getOperation(), c.getId(), c.getRecord() == null ? null : c.getRecord().getId(), c.getTombstone());
            if (v instanceof ActorChange c)
                return new Change("actors", c.getOperation(), c.getId(), c.getRecord() == null ? null : c.getRecord().getId(), c.getTombstone());
            if (v instanceof IncidentChange c)
                return new Change("incidents", c.getOperation(), c.getId(), c.getRecord() == null ? null : c.getRecord().getId(), c.getTombstone());
            if (v instanceof ClaimChange c)
                return new Change("claims", c.getOperation(), c.getId(), c.getRecord() == null ? null : c.getRecord().getId(), c.getTombstone());
            if (v instanceof ForceFigureChange c)
                return new Change("force-figures", c.getOperation(), c.getId(), c.getRecord() == null ? null : c.getRecord().getId(), c.getTombstone());
            throw new AssertionError("a change of no known kind: " + v);
        }
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUrl);
        client.setReadTimeout(java.time.Duration.ofSeconds(30));
        JsonNode spec = new ObjectMapper().readTree(Files.readString(Path.of(args[1])));
        CheckClient c = new CheckClient(client.getObjectMapper(), spec);
        // The API classes copy the interceptor when they are made: set it first.
        client.setResponseInterceptor(c.responses::add);
        c.run(client);

        c.failed.forEach((op, why) -> System.out.println("FAIL " + op + ": " + why));
        Set<String> missing = new TreeSet<>(c.gets.keySet());
        missing.removeAll(c.called);
        missing.forEach(op -> System.out.println("FAIL " + op + ": a GET operation of the spec that CheckClient does not call"));
        Set<String> unknown = new TreeSet<>(c.called);
        unknown.removeAll(c.gets.keySet());
        unknown.forEach(op -> System.out.println("FAIL " + op + ": called but not a GET operation of the spec"));

        Set<String> withAsOf = c.gets.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        long plain = c.gets.keySet().stream().filter(op -> c.called.contains(op) && !c.failed.containsKey(op)).count();
        long timed = withAsOf.stream().filter(op -> c.calledWithAsOf.contains(op)
                && c.failed.keySet().stream().noneMatch(k -> k.startsWith(op + " with as_of="))).count();
        System.out.printf("contract: java %d/%d GET operations called and passed without as_of, %d/%d with as_of"
                + " (a version and a time)%n", plain, c.gets.size(), timed, withAsOf.size());
        System.exit(plain == c.gets.size() && timed == withAsOf.size() && unknown.isEmpty() ? 0 : 1);
    }
}
