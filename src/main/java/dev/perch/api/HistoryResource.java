package dev.perch.api;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.history.AcceleratorPoint;
import dev.perch.controller.history.AppPoint;
import dev.perch.controller.history.HistoryEvent;
import dev.perch.controller.history.LiveHistory;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The live view's recent past, read-only, over the last {@code minutes} (1–60, default 10) of the
 * cluster's clock: {@code GET /api/v1/apps/{app}/history} (the app's SLO statistic predicted,
 * forecast and observed, its rate and accelerator, and its alerts and this replica's decisions) and
 * {@code GET /api/v1/accelerators/{node}/{device}/history} (its utilisation). What is kept, and how
 * much: {@link LiveHistory}.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {
    static final int DEFAULT_MINUTES = 10;
    static final int MAX_MINUTES = 60;

    /** {@code sloMs}, {@code sloStatistic} and {@code sloWindowSec} are null for an app the cluster no longer has. */
    public record AppHistory(String app, Double sloMs, String sloStatistic, Integer sloWindowSec, List<AppPoint> points,
                             List<HistoryEvent> events) {
    }

    /** {@code type} is null for an accelerator the cluster no longer has. */
    public record AcceleratorHistory(String accelerator, String type, List<AcceleratorPoint> points) {
    }

    @Inject
    ClusterView view;
    @Inject
    LiveHistory history;
    @Inject
    Clock clock;

    @GET
    @Path("/apps/{app}/history")
    public Response app(@PathParam("app") String app, @QueryParam("minutes") String minutes) {
        int span;
        try {
            span = minutes(minutes);
        } catch (IllegalArgumentException e) {
            return ApiAnswers.badRequest(e.getMessage());
        }
        // From the snapshot, which a view answers without waiting for its writers (a simulated window).
        Optional<RunningApp> running = view.snapshot().app(app);
        if (running.isEmpty() && !history.knowsApp(app)) {
            return ApiAnswers.notFound("no app '" + app + "'");
        }
        long toMs = clock.millis();
        long fromMs = toMs - span * 60_000L;
        return Response.ok(new AppHistory(app, running.map(a -> a.spec().sloMs()).orElse(null),
                running.map(a -> a.spec().sloStatistic().id()).orElse(null),
                running.map(a -> a.spec().sloWindowSec()).orElse(null),
                history.appPoints(app, fromMs, toMs), history.events(app, fromMs, toMs))).build();
    }

    @GET
    @Path("/accelerators/{node}/{device}/history")
    public Response accelerator(@PathParam("node") String node, @PathParam("device") String device,
                                @QueryParam("minutes") String minutes) {
        int span;
        try {
            span = minutes(minutes);
        } catch (IllegalArgumentException e) {
            return ApiAnswers.badRequest(e.getMessage());
        }
        String id = node + "/" + device;
        Optional<Accelerator> accelerator = view.snapshot().accelerator(id);
        if (accelerator.isEmpty() && !history.knowsAccelerator(id)) {
            return ApiAnswers.notFound("no accelerator '" + id + "'");
        }
        long toMs = clock.millis();
        long fromMs = toMs - span * 60_000L;
        return Response.ok(new AcceleratorHistory(id, accelerator.map(a -> a.type().id()).orElse(null),
                history.acceleratorPoints(id, fromMs, toMs))).build();
    }

    /** The span asked for, in whole minutes; IllegalArgumentException with the reason when it is not one from 1 to 60. */
    static int minutes(String minutes) {
        Integer span = ApiAnswers.wholeNumber("minutes", minutes, 1, MAX_MINUTES);
        return span == null ? DEFAULT_MINUTES : span;
    }
}
