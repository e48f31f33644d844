package dev.perch.runtime;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The telemetry lag from hand-written offsets and times (seconds written as nanoseconds). */
class LagLedgerTest {
    private static final TopicPartition P0 = new TopicPartition("perch.telemetry.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("perch.telemetry.v1", 1);
    private static final long S = 1_000_000_000L;

    @Test
    void aWindowIsConsumedWhenEveryPartitionIsCommittedPastItsEnd() {
        LagLedger ledger = new LagLedger();
        assertNull(ledger.maxLagSec(0), "no window, no lag");
        ledger.windowOut(10 * S, Map.of(P0, 100L, P1, 50L));
        ledger.committed(Map.of(P0, 100L, P1, 49L), 11 * S);
        assertTrue(ledger.waiting(), "P1 still one report short");
        ledger.committed(Map.of(P0, 100L, P1, 50L), 12 * S + S / 2);
        assertFalse(ledger.waiting());
        assertEquals(2.5, ledger.maxLagSec(20 * S), 1e-9);
    }

    @Test
    void theLargestLagIsKeptAndAnEmptyPartitionNeedsNoCommit() {
        LagLedger ledger = new LagLedger();
        ledger.windowOut(1 * S, Map.of(P0, 10L, P1, 0L));
        ledger.windowOut(2 * S, Map.of(P0, 20L, P1, 0L));
        ledger.windowOut(3 * S, Map.of(P0, 30L, P1, 5L));
        ledger.committed(Map.of(P0, 20L), 5 * S);          // windows 1 and 2: lags 4 s and 3 s
        ledger.committed(Map.of(P0, 30L, P1, 5L), 3 * S + S / 10); // window 3: 0.1 s
        assertEquals(4.0, ledger.maxLagSec(100 * S), 1e-9);
    }

    @Test
    void aWindowNotYetConsumedCountsWithItsAge() {
        LagLedger ledger = new LagLedger();
        ledger.windowOut(1 * S, Map.of(P0, 10L));
        ledger.committed(Map.of(P0, 10L), 1 * S + S / 5);
        ledger.windowOut(2 * S, Map.of(P0, 20L));
        ledger.committed(Map.of(), 3 * S);
        assertEquals(7.0, ledger.maxLagSec(9 * S), 1e-9, "the second window is 7 s old and still not consumed");
    }

    @Test
    void theLagNowIsTheOldestWaitingWindowsAgeOrElseTheLastConsumedOnesLag() {
        LagLedger ledger = new LagLedger();
        assertNull(ledger.lagNowSec(0), "no window, no lag");
        ledger.windowOut(1 * S, Map.of(P0, 10L));
        ledger.windowOut(2 * S, Map.of(P0, 20L));
        assertEquals(5.0, ledger.lagNowSec(6 * S), 1e-9, "window 1 still waits, 5 s after its end");
        ledger.committed(Map.of(P0, 10L), 7 * S);
        assertEquals(7.0, ledger.lagNowSec(9 * S), 1e-9, "window 2 waits, 7 s after its end (window 1's lag was 6 s)");
        ledger.committed(Map.of(P0, 20L), 9 * S + S / 2);
        assertEquals(7.5, ledger.lagNowSec(30 * S), 1e-9, "all consumed: the last window's lag");
        ledger.windowOut(31 * S, Map.of(P0, 30L));
        ledger.committed(Map.of(P0, 30L), 31 * S + S / 4);
        assertEquals(0.25, ledger.lagNowSec(40 * S), 1e-9, "worked off: the lag now is the latest window's");
        assertEquals(7.5, ledger.maxLagSec(40 * S), 1e-9, "while the largest is kept");
    }
}
