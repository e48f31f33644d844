package dev.perch.api;

import dev.perch.cluster.ClusterView;
import dev.perch.controller.LiveRates;
import dev.perch.controller.RecentDecisions;
import dev.perch.controller.Reconciler;
import dev.perch.telemetry.DecisionRecord;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.util.List;

/**
 * The live view's data, read-only: {@code GET /api/v1/cluster} (the cluster and its predictions now,
 * {@link ClusterPicture}; with {@code q}, {@code appOffset}, {@code appLimit}, {@code nodeOffset} or
 * {@code nodeLimit}, a part of it, at risk first: {@link ClusterQuery}) and {@code GET /api/v1/decisions?limit=N} (this replica's latest decisions,
 * newest first). The page at {@code /} polls both.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    static final int DEFAULT_DECISIONS = 20;

    @Inject
    ClusterView view;
    @Inject
    LiveRates rates;
    @Inject
    Reconciler reconciler;
    @Inject
    RecentDecisions decisions;
    @Inject
    Clock clock;

    @GET
    @Path("/cluster")
    public Response cluster(@QueryParam("q") String q, @QueryParam("appOffset") String appOffset,
                            @QueryParam("appLimit") String appLimit, @QueryParam("nodeOffset") String nodeOffset,
                            @QueryParam("nodeLimit") String nodeLimit) {
        ClusterQuery query;
        try {
            query = ClusterQuery.parse(q, appOffset, appLimit, nodeOffset, nodeLimit);
        } catch (IllegalArgumentException e) {
            return ApiAnswers.badRequest(e.getMessage());
        }
        return Response.ok(query.apply(ClusterPicture.of(view.snapshot(), rates, reconciler.active(),
                reconciler.heldAccelerators(), reconciler.unplacedApps(), clock.millis()))).build();
    }

    @GET
    @Path("/decisions")
    public Response decisions(@QueryParam("limit") String limit) {
        Integer count;
        try {
            count = ApiAnswers.wholeNumber("limit", limit, 1, RecentDecisions.CAPACITY);
        } catch (IllegalArgumentException e) {
            return ApiAnswers.badRequest(e.getMessage());
        }
        List<DecisionRecord> latest = decisions.latest(count == null ? DEFAULT_DECISIONS : count);
        return Response.ok(latest).build();
    }
}
