package dev.perch.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaReachTest {
    @Test
    void aThirtySecondOutageProbedEverySecondIsOneLineDownAndOneUp() {
        KafkaReach reach = new KafkaReach("10.0.0.7:9092", 3_000, 0);
        List<KafkaReach.Change> changes = new ArrayList<>();
        for (long t = 0; t <= 10_000; t += 1_000) {
            reach.answered(t).ifPresent(changes::add);
        }
        for (long t = 11_000; t <= 40_000; t += 1_000) {
            reach.noAnswer(t).ifPresent(changes::add);
        }
        for (long t = 41_000; t <= 50_000; t += 1_000) {
            reach.answered(t).ifPresent(changes::add);
        }
        assertEquals(List.of(
                new KafkaReach.Change(false, "Kafka at 10.0.0.7:9092 has not answered for 3 s"),
                new KafkaReach.Change(true, "Kafka at 10.0.0.7:9092 answers again after 31 s without an answer")), changes);
        assertTrue(reach.up());
    }

    @Test
    void theReasonSaysHowLongKafkaHasBeenSilentSoFar() {
        KafkaReach reach = new KafkaReach("kafka:9092", 3_000, 0);
        reach.answered(1_000);
        assertEquals(Optional.empty(), reach.noAnswer(2_000));
        assertEquals(Optional.empty(), reach.downReason(2_000));
        assertTrue(reach.noAnswer(4_000).isPresent());
        assertFalse(reach.up());
        assertEquals(Optional.of("Kafka at kafka:9092 has not answered for 29 s"), reach.downReason(30_000));
    }

    @Test
    void kafkaThatNeverAnsweredIsDownOnceTheSilenceSinceTheStartIsLongEnough() {
        KafkaReach reach = new KafkaReach("kafka:9092", 3_000, 5_000);
        assertEquals(Optional.empty(), reach.noAnswer(7_000));
        assertEquals(Optional.of(new KafkaReach.Change(false, "Kafka at kafka:9092 has not answered for 3 s")), reach.noAnswer(8_000));
        assertEquals(Optional.empty(), reach.noAnswer(9_000));
    }

    @Test
    void whenKafkaRefusesPerchTheReasonSaysWhy() {
        KafkaReach reach = new KafkaReach("kafka:9093", 3_000, 0);
        String refused = "Kafka refused Perch's SASL credentials (SCRAM-SHA-512, user perch): Authentication failed";
        assertEquals(Optional.of(new KafkaReach.Change(false, "Kafka at kafka:9093 has not answered for 3 s: " + refused)),
                reach.noAnswer(3_000, refused));
        assertEquals(Optional.of("Kafka at kafka:9093 has not answered for 4 s: " + refused), reach.downReason(4_000));
        assertEquals(Optional.empty(), reach.noAnswer(5_000, null), "already down: no second line");
        assertEquals(Optional.of("Kafka at kafka:9093 has not answered for 5 s"), reach.downReason(5_000), "the last probe's cause");
        reach.noAnswer(6_000, refused);
        reach.answered(7_000);
        reach.noAnswer(11_000);
        assertEquals(Optional.of("Kafka at kafka:9093 has not answered for 4 s"), reach.downReason(11_000));
    }
}
