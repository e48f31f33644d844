package dev.perch.agent.push;

import dev.perch.agent.AppBinding;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The push receiver's apps changing under it, as Perch moves apps on and off the node
 * ({@code followApps}): what each second reports for an app that arrives, one that leaves, and one
 * that stays.
 */
class PushRebindTest {
    static final AppBinding CAM_7 = PushWindowerTest.CAM_7;
    static final AppBinding CAM_3 = new AppBinding("cam-3", "efficientnet-S", "pi-1/tpu0", "edgetpu");
    static final AppBinding CAM_3_ON_TPU1 = new AppBinding("cam-3", "efficientnet-S", "pi-1/tpu1", "edgetpu");
    /** The first window is second 1000. */
    static final long START_MS = 1_000_000;

    private final AtomicLong clock = new AtomicLong(START_MS);
    private final PushWindower windower = new PushWindower("pi-1", List.of(CAM_7), 2000, 1000, clock::get);

    private List<String> offer(AppBinding app, double completionMs) {
        PushedRequest request = new PushedRequest(app.app(), app.model(), completionMs - 30, completionMs - 10, completionMs);
        return windower.offer(List.of(request), clock.get()).stream().map(PushRejection::reason).toList();
    }

    /** The reports of window second {@code second}, published at its end plus the grace. */
    private List<TelemetryReport> second(long second) {
        clock.set((second + 1) * 1000 + 2000);
        return windower.due(clock.get());
    }

    private static String summary(List<TelemetryReport> reports) {
        return String.join(", ", reports.stream().map(r -> r.app() + "@" + r.accelerator() + "=" + r.requests()).toList());
    }

    @Test
    void anAppBoundHereIsReportedFromItsFirstRequestNotBefore() {
        clock.set(1_000_500);
        assertTrue(offer(CAM_3, 1_000_600).get(0).startsWith("unknown app 'cam-3'"), "not taken before it is bound");
        windower.rebind(List.of(CAM_7, CAM_3));
        assertEquals("cam-7@pi-1/tpu0=0", summary(second(1000)), "bound, but not running here yet: no idle window");
        assertEquals("cam-7@pi-1/tpu0=0", summary(second(1001)));
        clock.set(1_002_100);
        assertEquals(List.of(), offer(CAM_3, 1_002_400));
        assertEquals("cam-7@pi-1/tpu0=0, cam-3@pi-1/tpu0=1", summary(second(1002)));
        assertEquals("cam-7@pi-1/tpu0=0, cam-3@pi-1/tpu0=0", summary(second(1003)), "and idle seconds from then on");
    }

    @Test
    void anAppMovedOffTheNodeIsStillTakenUntilTrafficSwitchesButNeverReportedIdle() {
        PushWindower both = new PushWindower("pi-1", List.of(CAM_7, CAM_3), 2000, 1000, clock::get);
        clock.set(1_000_100);
        both.offer(List.of(new PushedRequest("cam-3", CAM_3.model(), 1_000_150, 1_000_170, 1_000_200)), clock.get());
        both.rebind(List.of(CAM_7));
        // The old copy serves until the move's traffic switch: its requests are taken under the old binding.
        List<PushRejection> taken = both.offer(List.of(new PushedRequest("cam-3", CAM_3.model(), 1_000_700, 1_000_720,
                1_000_800)), clock.get());
        assertEquals(List.of(), taken);
        clock.set(1_003_000);
        List<TelemetryReport> first = both.due(clock.get());
        assertEquals("cam-7@pi-1/tpu0=0, cam-3@pi-1/tpu0=2", summary(first));
        clock.set(1_004_000);
        assertEquals("cam-7@pi-1/tpu0=0", summary(both.due(clock.get())), "gone from the node: no idle windows");
        clock.set(1_004_000 + PushApps.RETIRING_MS);
        List<PushRejection> late = both.offer(List.of(new PushedRequest("cam-3", CAM_3.model(), clock.get() - 40,
                clock.get() - 20, clock.get() - 10)), clock.get());
        assertTrue(late.get(0).reason().startsWith("unknown app 'cam-3'"), "refused once it has retired: " + late);
    }

    @Test
    void anAppThatStaysKeepsItsWindowsAndOneThatChangesAcceleratorReportsUnderEach() {
        windower.rebind(List.of(CAM_7, CAM_3));
        clock.set(1_000_100);
        assertEquals(List.of(), offer(CAM_3, 1_000_200));
        windower.rebind(List.of(CAM_7, CAM_3));
        assertEquals(List.of(), offer(CAM_7, 1_000_300));
        windower.rebind(List.of(CAM_7, CAM_3_ON_TPU1));
        assertEquals(List.of(), offer(CAM_3_ON_TPU1, 1_000_900));
        // cam-3's window of second 1000 opened under tpu0; its later request joins it, as one window of the second.
        assertEquals("cam-7@pi-1/tpu0=1, cam-3@pi-1/tpu0=2", summary(second(1000)));
        assertEquals("cam-7@pi-1/tpu0=0, cam-3@pi-1/tpu1=0", summary(second(1001)),
                "it has sent from tpu1, so it runs there: its idle second is reported there");
        clock.set(1_002_100);
        assertEquals(List.of(), offer(CAM_3_ON_TPU1, 1_002_500));
        assertEquals("cam-7@pi-1/tpu0=0, cam-3@pi-1/tpu1=1", summary(second(1002)));
    }

    @Test
    void aBadSetChangesNothing() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> windower.rebind(List.of(CAM_7, CAM_3, CAM_3_ON_TPU1)));
        assertEquals("push app 'cam-3' is listed twice", twice.getMessage());
        clock.set(1_000_100);
        assertEquals(List.of(), offer(CAM_7, 1_000_200), "cam-7 still taken");
        assertTrue(offer(CAM_3, 1_000_200).get(0).startsWith("unknown app"));
    }
}
