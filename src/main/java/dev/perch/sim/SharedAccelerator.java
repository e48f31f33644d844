package dev.perch.sim;

import dev.perch.model.profile.AcceleratorType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A GPU or CPU shared by concurrent processes: egalitarian processor sharing — with n requests in
 * service, each progresses at 1/n of the device's speed. A request's {@code serviceMs} is its work
 * (its time alone on the device); the stretch beyond that is reported as queueing.
 */
final class SharedAccelerator extends SimAccelerator {
    private static final class Job {
        final Request request;
        double remainingMs;

        Job(Request request, double workMs) {
            this.request = request;
            this.remainingMs = workMs;
        }
    }

    private final List<Job> active = new ArrayList<>();
    private double lastUpdateMs;
    private long version;

    SharedAccelerator(String id, String node, AcceleratorType type, EventQueue events, BiConsumer<Request, Double> done) {
        super(id, node, type, events, done);
    }

    @Override
    void submit(Request request, double nowMs, double plainMs, double swappedMs) {
        progress(nowMs);
        request.accelerator = id;
        request.enqueuedMs = nowMs;
        request.serviceStartMs = nowMs;
        request.serviceMs = plainMs;
        active.add(new Job(request, plainMs));
        reschedule(nowMs);
    }

    private void progress(double nowMs) {
        if (!active.isEmpty()) {
            double share = (nowMs - lastUpdateMs) / active.size();
            for (Job job : active) {
                job.remainingMs -= share;
            }
        }
        lastUpdateMs = nowMs;
    }

    private void reschedule(double nowMs) {
        long current = ++version;
        if (active.isEmpty()) {
            return;
        }
        double least = active.stream().mapToDouble(j -> j.remainingMs).min().orElseThrow();
        double atMs = nowMs + Math.max(least, 0) * active.size();
        events.schedule(atMs, () -> {
            if (current == version) {
                complete(atMs);
            }
        });
    }

    private void complete(double nowMs) {
        progress(nowMs);
        double least = active.stream().mapToDouble(j -> j.remainingMs).min().orElseThrow();
        List<Job> finished = active.stream().filter(j -> j.remainingMs <= least + 1e-9).toList();
        active.removeAll(finished);
        for (Job job : finished) {
            done.accept(job.request, nowMs);
        }
        reschedule(nowMs);
    }
}
