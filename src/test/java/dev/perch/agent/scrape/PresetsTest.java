package dev.perch.agent.scrape;

import dev.perch.telemetry.LatencyHistogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each preset reads two pages of its server, a window apart, into the figures the pages' own
 * numbers give by hand: the expected values below are worked out from the pages in each test, not
 * from the code.
 */
class PresetsTest {
    private static Reading read(Preset preset, String page, String model) {
        PresetReader.Result result = PresetReader.read(preset, ExpositionParser.parse(page), model);
        assertInstanceOf(PresetReader.Result.Found.class, result, result.toString());
        return ((PresetReader.Result.Found) result).reading();
    }

    private static WindowFigures window(Preset preset, String before, String after, String model) {
        Reading a = read(preset, before, model);
        Reading b = read(preset, after, model);
        assertNull(Reading.breakBetween(a, b));
        WindowFigures.Result result = WindowFigures.between(preset, a, b);
        assertInstanceOf(WindowFigures.Result.Figures.class, result, result.toString());
        return ((WindowFigures.Result.Figures) result).figures();
    }

    private static String triton(int success, long requestUs, long queueUs, long inUs, long inferUs, long outUs) {
        return String.format(Locale.ROOT, """
                # TYPE nv_inference_request_success counter
                nv_inference_request_success{model="resnet50_onnx",version="1"} %d
                nv_inference_request_success{model="other",version="1"} 999
                # TYPE nv_inference_request_duration_us counter
                nv_inference_request_duration_us{model="resnet50_onnx",version="1"} %d
                # TYPE nv_inference_queue_duration_us counter
                nv_inference_queue_duration_us{model="resnet50_onnx",version="1"} %d
                # TYPE nv_inference_compute_input_duration_us counter
                nv_inference_compute_input_duration_us{model="resnet50_onnx",version="1"} %d
                # TYPE nv_inference_compute_infer_duration_us counter
                nv_inference_compute_infer_duration_us{model="resnet50_onnx",version="1"} %d
                # TYPE nv_inference_compute_output_duration_us counter
                nv_inference_compute_output_duration_us{model="resnet50_onnx",version="1"} %d
                """, success, requestUs, queueUs, inUs, inferUs, outUs);
    }

    @Test
    void tritonMeansAreIncreasesOverRequestsAndServiceIsTheThreeComputeCounters() {
        // 50 requests; 125 000 us end to end, 50 000 us queued, 5 000 + 60 000 + 2 500 us computing
        WindowFigures w = window(Presets.TRITON, triton(100, 200_000, 80_000, 10_000, 120_000, 5_000),
                triton(150, 325_000, 130_000, 15_000, 180_000, 7_500), "resnet50_onnx");
        assertEquals(50, w.requests());
        assertEquals(2.5, w.latency().mean());
        assertEquals(1.0, w.queue().mean());
        assertEquals(1.35, w.service().mean());
        assertNull(w.latency().p95(), "no summaries on this server");
        assertNull(w.latency().max());
        assertNull(w.latencyHistogram());
    }

    @Test
    void tritonSummaryQuantilesGiveThePercentilesWhenTheServerHasThem() {
        String summary = """
                # TYPE nv_inference_request_summary_us summary
                nv_inference_request_summary_us_count{model="resnet50_onnx",version="1"} 150
                nv_inference_request_summary_us_sum{model="resnet50_onnx",version="1"} 325000
                nv_inference_request_summary_us{model="resnet50_onnx",version="1",quantile="0.5"} 2100
                nv_inference_request_summary_us{model="resnet50_onnx",version="1",quantile="0.9"} 3000
                nv_inference_request_summary_us{model="resnet50_onnx",version="1",quantile="0.95"} 3900
                nv_inference_request_summary_us{model="resnet50_onnx",version="1",quantile="0.99"} NaN
                """;
        WindowFigures w = window(Presets.TRITON, triton(100, 200_000, 80_000, 10_000, 120_000, 5_000),
                triton(150, 325_000, 130_000, 15_000, 180_000, 7_500) + summary, "resnet50_onnx");
        assertEquals(2.1, w.latency().p50());
        assertEquals(3.9, w.latency().p95());
        assertNull(w.latency().p99(), "a NaN quantile (nothing observed in the server's window) is left out");
    }

    private static String torchserve(double requestsV1, double requestsV2, double latencyUs, double queueUs) {
        return String.format(Locale.ROOT, """
                # TYPE ts_inference_requests_total counter
                ts_inference_requests_total{model_name="cifar",model_version="1.0",hostname="n1",} %s
                ts_inference_requests_total{model_name="cifar",model_version="2.0",hostname="n1",} %s
                # TYPE ts_inference_latency_microseconds counter
                ts_inference_latency_microseconds{model_name="cifar",model_version="1.0",hostname="n1",} %s
                # TYPE ts_queue_latency_microseconds counter
                ts_queue_latency_microseconds{model_name="cifar",model_version="1.0",hostname="n1",} %s
                """, requestsV1, requestsV2, latencyUs, queueUs);
    }

    @Test
    void torchserveSumsVersionsAndTakesServiceAsLatencyLessQueue() {
        // 30 + 10 requests; 400 000 us latency including 100 000 us queued
        WindowFigures w = window(Presets.TORCHSERVE, torchserve(10, 5, 50_000.5, 20_000.25),
                torchserve(40, 15, 450_000.5, 120_000.25), "cifar");
        assertEquals(40, w.requests());
        assertEquals(10.0, w.latency().mean());
        assertEquals(2.5, w.queue().mean());
        assertEquals(7.5, w.service().mean());
    }

    private static String ovms(int predict, int metadata, long count, long sumUs, long le1ms, long le10ms, long le100ms) {
        return String.format(Locale.ROOT, """
                ovms_requests_success{api="TensorFlowServing",interface="gRPC",method="Predict",name="resnet",version="1"} %d
                ovms_requests_success{api="KServe",interface="REST",method="ModelMetadata",name="resnet",version="1"} %d
                ovms_request_time_us_count{interface="gRPC",name="resnet",version="1"} %d
                ovms_request_time_us_sum{interface="gRPC",name="resnet",version="1"} %d
                ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="1000"} %d
                ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="10000"} %d
                ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="100000"} %d
                ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="+Inf"} %d
                ovms_request_time_us_count{interface="REST",name="resnet",version="1"} 0
                ovms_request_time_us_sum{interface="REST",name="resnet",version="1"} 0
                ovms_request_time_us_bucket{interface="REST",name="resnet",version="1",le="1000"} 0
                ovms_request_time_us_bucket{interface="REST",name="resnet",version="1",le="10000"} 0
                ovms_request_time_us_bucket{interface="REST",name="resnet",version="1",le="100000"} 0
                ovms_request_time_us_bucket{interface="REST",name="resnet",version="1",le="+Inf"} 0
                ovms_inference_time_us_count{name="resnet",version="1"} %d
                ovms_inference_time_us_sum{name="resnet",version="1"} %d
                ovms_wait_for_infer_req_time_us_count{name="resnet",version="1"} %d
                ovms_wait_for_infer_req_time_us_sum{name="resnet",version="1"} %d
                """, predict, metadata, count, sumUs, le1ms, le10ms, le100ms, count, count, sumUs / 2, count, sumUs / 4);
    }

    @Test
    void ovmsCountsOnlyInferenceCallsAndInterpolatesItsBuckets() {
        // 100 predictions (and 7 metadata calls, not counted); 500 000 us in all;
        // window buckets: 10 at or under 1 ms, 60 in (1, 10] ms, 30 in (10, 100] ms, none above
        WindowFigures w = window(Presets.OVMS, ovms(0, 3, 0, 0, 0, 0, 0), ovms(100, 10, 100, 500_000, 10, 70, 100), "resnet");
        assertEquals(100, w.requests());
        assertEquals(5.0, w.latency().mean());
        assertEquals(2.5, w.service().mean());
        assertEquals(1.25, w.queue().mean());
        // rank 50 is the 40th of 60 in (1, 10]: 1 + 9 · 40/60; rank 95 the 25th of 30 in (10, 100]: 10 + 90 · 25/30
        assertEquals(1 + 9 * 40 / 60.0, w.latency().p50(), 1e-3);
        assertEquals(10 + 90 * 25 / 30.0, w.latency().p95(), 1e-3);
        assertEquals(10 + 90 * 29 / 30.0, w.latency().p99(), 1e-3);
        LatencyHistogram h = w.latencyHistogram();
        assertNotNull(h);
        assertEquals(List.of(1.0, 10.0, 100.0), h.boundsMs());
        assertEquals(List.of(10L, 60L, 30L, 0L), h.counts());
    }

    @Test
    void ovmsLeavesTheHistogramOutWhenItsCountIsNotTheRequestCounters() {
        // the request counter moved by 101, the histogram by 100: the contract wants counts summing to requests
        WindowFigures w = window(Presets.OVMS, ovms(0, 0, 0, 0, 0, 0, 0), ovms(101, 0, 100, 500_000, 10, 70, 100), "resnet");
        assertEquals(101, w.requests());
        assertEquals(5.0, w.latency().mean(), "the mean is its own sum over its own count");
        assertNull(w.latencyHistogram());
        assertNotNull(w.latency().p95(), "the percentiles of the 100 it saw still stand");
    }

    private static String kserve(double le5ms, double le10ms, double count, double sumSec) {
        return String.format(Locale.ROOT, """
                # HELP request_predict_seconds predict request latency
                # TYPE request_predict_seconds histogram
                request_predict_seconds_bucket{le="0.005",model_name="sklearn-iris"} %s
                request_predict_seconds_bucket{le="0.01",model_name="sklearn-iris"} %s
                request_predict_seconds_bucket{le="+Inf",model_name="sklearn-iris"} %s
                request_predict_seconds_count{model_name="sklearn-iris"} %s
                request_predict_seconds_sum{model_name="sklearn-iris"} %s
                request_predict_seconds_created{model_name="sklearn-iris"} 1.7229181e+09
                """, le5ms, le10ms, count, count, sumSec);
    }

    @Test
    void kserveCountsRequestsByItsHistogramInSeconds() {
        // 20 predictions: 0.12 s in all; 10 at or under 5 ms, 8 in (5, 10] ms, 2 above 10 ms
        WindowFigures w = window(Presets.KSERVE, kserve(5, 5, 5, 0.03), kserve(15, 23, 25, 0.15), "sklearn-iris");
        assertEquals(20, w.requests());
        assertEquals(6.0, w.latency().mean());
        assertEquals(5 * 10 / 10.0, w.latency().p50(), 1e-3, "rank 10 is the last of the first bucket");
        assertEquals(10.0, w.latency().p95(), 1e-3, "rank 19 is above the last bound: the bound is all that is known");
        assertEquals(List.of(10L, 8L, 2L), w.latencyHistogram().counts());
        assertNull(w.service());
        assertNull(w.queue());
    }

    private static String mlserver(String label, double success, double count, double sumSec, double created) {
        return String.format(Locale.ROOT, """
                # TYPE model_infer_request_success_total counter
                model_infer_request_success_total{%s="nyc-taxi-eta",version="None"} %s
                # TYPE model_infer_request_success_created gauge
                model_infer_request_success_created{%s="nyc-taxi-eta",version="None"} %s
                # TYPE model_infer_request_duration summary
                model_infer_request_duration_count{%s="nyc-taxi-eta",version="None"} %s
                model_infer_request_duration_sum{%s="nyc-taxi-eta",version="None"} %s
                """, label, success, label, created, label, count, label, sumSec);
    }

    @Test
    void mlserverIsReadByEitherModelLabel() {
        for (String label : List.of("model", "model_name")) {
            // 13 requests, 0.26 s
            WindowFigures w = window(Presets.MLSERVER, mlserver(label, 7, 7, 0.1, 1.7e9), mlserver(label, 20, 20, 0.36, 1.7e9),
                    "nyc-taxi-eta");
            assertEquals(13, w.requests(), label);
            assertEquals(20.0, w.latency().mean(), 1e-9, label);
            assertNull(w.latency().p95(), "prometheus_client summaries have no quantiles");
        }
    }

    @Test
    void aRecreatedSeriesIsARestartEvenWhenItHasCountedPastItsOldValue() {
        Reading before = read(Presets.MLSERVER, mlserver("model", 7, 7, 0.1, 1.7e9), "nyc-taxi-eta");
        Reading after = read(Presets.MLSERVER, mlserver("model", 9, 9, 0.2, 1.7e9 + 30), "nyc-taxi-eta");
        assertTrue(Reading.breakBetween(before, after).contains("_created"));
    }

    @Test
    void aCounterThatWentDownOrASeriesThatChangedBreaksTheWindow() {
        Reading before = read(Presets.TRITON, triton(100, 200_000, 80_000, 10_000, 120_000, 5_000), "resnet50_onnx");
        Reading restarted = read(Presets.TRITON, triton(3, 6_000, 1_000, 300, 3_000, 150), "resnet50_onnx");
        assertTrue(Reading.breakBetween(before, restarted).contains("went down"));
        Reading twoVersions = read(Presets.TRITON, triton(101, 202_000, 80_100, 10_010, 120_100, 5_010)
                + "nv_inference_request_success{model=\"resnet50_onnx\",version=\"2\"} 1\n", "resnet50_onnx");
        assertTrue(Reading.breakBetween(before, twoVersions).contains("series changed"));
    }

    @Test
    void aModelNotOnThePageIsMissingWithTheReason() {
        PresetReader.Result result = PresetReader.read(Presets.TRITON, ExpositionParser.parse(triton(1, 1, 1, 1, 1, 1)), "gone");
        PresetReader.Result.Missing missing = assertInstanceOf(PresetReader.Result.Missing.class, result);
        assertEquals("no nv_inference_request_success series for model=\"gone\"", missing.reason());
    }

    @Test
    void requestsWithoutAMovedLatencyCountMakeNoWindow() {
        Reading a = read(Presets.OVMS, ovms(0, 0, 0, 0, 0, 0, 0), "resnet");
        Reading b = read(Presets.OVMS, ovms(1, 0, 0, 0, 0, 0, 0), "resnet");
        assertInstanceOf(WindowFigures.Result.Undescribed.class, WindowFigures.between(Presets.OVMS, a, b));
    }

    @Test
    void anIdleWindowHasNoLatency() {
        String page = triton(100, 200_000, 80_000, 10_000, 120_000, 5_000);
        WindowFigures w = window(Presets.TRITON, page, page, "resnet50_onnx");
        assertEquals(0, w.requests());
        assertNull(w.latency());
        assertNull(w.service());
    }
}
