package dev.perch.agent.scrape;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser against pages as each server writes them (the shapes of their documented examples:
 * Triton's prometheus-cpp, TorchServe's trailing comma, OVMS's histograms, the Python client's
 * {@code _total} and {@code _created} for KServe and MLServer, and OpenMetrics with exemplars and
 * {@code # EOF}), and against every way a line can break the format.
 */
class ExpositionParserTest {
    /** Triton 2.x: counters and the optional summaries, one series per model and version. */
    static final String TRITON = """
            # HELP nv_inference_request_success Number of successful inference requests, all batch sizes
            # TYPE nv_inference_request_success counter
            nv_inference_request_success{model="resnet50_onnx",version="1"} 161
            # HELP nv_inference_request_duration_us Cumulative inference request duration in microseconds (includes cached requests)
            # TYPE nv_inference_request_duration_us counter
            nv_inference_request_duration_us{model="resnet50_onnx",version="1"} 402500
            # HELP nv_inference_queue_summary_us Summary of inference queuing duration in microseconds (includes cached requests)
            # TYPE nv_inference_queue_summary_us summary
            nv_inference_queue_summary_us_count{model="resnet50_onnx",version="1"} 161
            nv_inference_queue_summary_us_sum{model="resnet50_onnx",version="1"} 11110
            nv_inference_queue_summary_us{model="resnet50_onnx",version="1",quantile="0.5"} 55
            nv_inference_queue_summary_us{model="resnet50_onnx",version="1",quantile="0.99"} 101
            # HELP nv_gpu_utilization GPU utilization rate [0.0 - 1.0)
            # TYPE nv_gpu_utilization gauge
            nv_gpu_utilization{gpu_uuid="GPU-3c1a2f6e-0000-4000-8000-000000000000"} 0.000000
            """;

    /** TorchServe's Java client: a comma before the closing brace, values with decimals. */
    static final String TORCHSERVE = """
            # HELP ts_queue_latency_microseconds Cumulative queue duration in microseconds
            # TYPE ts_queue_latency_microseconds counter
            ts_queue_latency_microseconds{uuid="2b9f0c1e-5d7a-4c33-9e1b-0f6a1c2d3e4f",model_name="cifar",model_version="default",} 416.079
            # HELP ts_inference_requests_total Total number of inference requests.
            # TYPE ts_inference_requests_total counter
            ts_inference_requests_total{uuid="2b9f0c1e-5d7a-4c33-9e1b-0f6a1c2d3e4f",model_name="cifar",model_version="default",} 1.0
            ts_inference_requests_total{uuid="2b9f0c1e-5d7a-4c33-9e1b-0f6a1c2d3e4f",model_name="cifar",model_version="1.0",} 40.0
            """;

    /** OVMS: requests per API, interface and method; histograms per interface. */
    static final String OVMS = """
            # HELP ovms_requests_success Number of successful requests to a model or a DAG.
            # TYPE ovms_requests_success counter
            ovms_requests_success{api="TensorFlowServing",interface="gRPC",method="Predict",name="resnet",version="1"} 4
            ovms_requests_success{api="KServe",interface="REST",method="ModelReady",name="resnet"} 0
            # HELP ovms_request_time_us Processing time of requests to a model or a DAG.
            # TYPE ovms_request_time_us histogram
            ovms_request_time_us_count{interface="gRPC",name="resnet",version="1"} 4
            ovms_request_time_us_sum{interface="gRPC",name="resnet",version="1"} 18000
            ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="10"} 0
            ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="5000"} 3
            ovms_request_time_us_bucket{interface="gRPC",name="resnet",version="1",le="+Inf"} 4
            """;

    /** prometheus_client's text format, as KServe's and MLServer's servers write it. */
    static final String PYTHON_CLIENT = """
            # HELP request_predict_seconds predict request latency
            # TYPE request_predict_seconds histogram
            request_predict_seconds_bucket{le="0.005",model_name="sklearn-iris"} 3.0
            request_predict_seconds_bucket{le="+Inf",model_name="sklearn-iris"} 5.0
            request_predict_seconds_count{model_name="sklearn-iris"} 5.0
            request_predict_seconds_sum{model_name="sklearn-iris"} 0.0123
            # HELP request_predict_seconds_created predict request latency
            # TYPE request_predict_seconds_created gauge
            request_predict_seconds_created{model_name="sklearn-iris"} 1.7229181e+09
            # HELP model_infer_request_success_total Model infer request success count
            # TYPE model_infer_request_success_total counter
            model_infer_request_success_total{model="nyc-taxi-eta",version="None"} 13.0
            """;

    /** OpenMetrics 1.0: UNIT, _created, an exemplar, a float timestamp in seconds, # EOF. */
    static final String OPEN_METRICS = """
            # TYPE acme_http_router_request_seconds summary
            # UNIT acme_http_router_request_seconds seconds
            # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
            acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
            acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
            acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
            # TYPE foo histogram
            foo_bucket{le="0.01"} 0
            foo_bucket{le="+Inf"} 17 # {trace_id="oHg5SJYRHA0"} 9.8e-2 1520879607.789
            foo_count 17 1520879607.789
            # EOF
            """;

    @Test
    void readsEachServersPageWhole() {
        Exposition triton = ExpositionParser.parse(TRITON);
        assertEquals(0, triton.badLines(), triton.problems().toString());
        assertEquals(7, triton.samples().size());
        assertEquals("counter", triton.types().get("nv_inference_request_success"));
        assertEquals("summary", triton.types().get("nv_inference_queue_summary_us"));
        assertEquals(402500, triton.named("nv_inference_request_duration_us").get(0).value());
        assertEquals("0.99", triton.named("nv_inference_queue_summary_us").get(1).label("quantile"));

        Exposition torchserve = ExpositionParser.parse(TORCHSERVE);
        assertEquals(0, torchserve.badLines(), torchserve.problems().toString());
        List<Sample> requests = torchserve.named("ts_inference_requests_total");
        assertEquals(2, requests.size());
        assertEquals(Map.of("uuid", "2b9f0c1e-5d7a-4c33-9e1b-0f6a1c2d3e4f", "model_name", "cifar", "model_version", "1.0"),
                requests.get(1).labels());
        assertEquals(40.0, requests.get(1).value());

        Exposition ovms = ExpositionParser.parse(OVMS);
        assertEquals(0, ovms.badLines(), ovms.problems().toString());
        assertEquals(3, ovms.named("ovms_request_time_us_bucket").size());
        assertEquals("+Inf", ovms.named("ovms_request_time_us_bucket").get(2).label("le"));

        Exposition python = ExpositionParser.parse(PYTHON_CLIENT);
        assertEquals(0, python.badLines(), python.problems().toString());
        assertEquals(1.7229181e9, python.named("request_predict_seconds_created").get(0).value());
        assertEquals(13.0, python.named("model_infer_request_success_total").get(0).value());
        assertFalse(python.endOfFile());
    }

    @Test
    void readsOpenMetricsWithExemplarsTimestampsAndEof() {
        Exposition page = ExpositionParser.parse(OPEN_METRICS);
        assertEquals(0, page.badLines(), page.problems().toString());
        assertTrue(page.endOfFile());
        assertEquals(6, page.samples().size());
        assertEquals(1605281325.0, page.named("acme_http_router_request_seconds_created").get(0).value());
        Sample inf = page.named("foo_bucket").get(1);
        assertEquals(17, inf.value());
        assertNull(inf.timestamp(), "an exemplar's timestamp is not the sample's");
        assertEquals(1520879607.789, page.named("foo_count").get(0).timestamp());
    }

    @Test
    void decodesEscapesAndSpecialValues() {
        Exposition page = ExpositionParser.parse("""
                msg{path="C:\\\\models\\\\",text="say \\"hi\\"\\nbye"} 1
                a NaN
                b +Inf
                c -Inf 1395066363000
                d{} 1e-3
                e { x = "1" , } .5
                f\t2
                """.replace("\n", "\r\n"));
        assertEquals(0, page.badLines(), page.problems().toString());
        Sample msg = page.named("msg").get(0);
        assertEquals("C:\\models\\", msg.label("path"));
        assertEquals("say \"hi\"\nbye", msg.label("text"));
        assertTrue(Double.isNaN(page.named("a").get(0).value()));
        assertEquals(Double.POSITIVE_INFINITY, page.named("b").get(0).value());
        assertEquals(Double.NEGATIVE_INFINITY, page.named("c").get(0).value());
        assertEquals(1395066363000.0, page.named("c").get(0).timestamp());
        assertEquals(0.001, page.named("d").get(0).value());
        assertEquals("1", page.named("e").get(0).label("x"));
        assertEquals(0.5, page.named("e").get(0).value());
        assertEquals(2, page.named("f").get(0).value());
    }

    @Test
    void skipsAndCountsEachBadLineAndUsesTheRest() {
        List<String> bad = List.of(
                "1abc 3",                          // a name cannot start with a digit
                "x{a=\"1\"",                       // label set not closed
                "x{a=\"\\t\"} 1",                  // an escape the format does not have
                "x{a=\"1\",a=\"2\"} 1",            // a label twice
                "x{1a=\"1\"} 1",                   // a bad label name
                "x{a=1} 1",                        // an unquoted label value
                "x 1d",                            // a value Java reads and Prometheus does not
                "x 0x10",
                "x",                               // no value
                "x 1 2 3",                         // text after the timestamp
                "x 1 # not-an-exemplar",
                "# TYPE x lasagna",                // an unknown type
                "# TYPE",                          // no name
                "good 5");                         // the same series again (below it comes first)
        String page = "good 5\n" + String.join("\n", bad) + "\nafter{b=\"2\"} 7\n";
        Exposition parsed = ExpositionParser.parse(page);
        assertEquals(bad.size(), parsed.badLines(), parsed.problems().toString());
        assertEquals(ExpositionParser.KEPT_PROBLEMS, parsed.problems().size());
        assertTrue(parsed.problems().get(0).startsWith("line 2: "), parsed.problems().get(0));
        assertEquals(List.of("good", "after"), parsed.samples().stream().map(Sample::name).toList());
        assertEquals(7, parsed.named("after").get(0).value());
    }

    @Test
    void nothingMayFollowEof() {
        Exposition page = ExpositionParser.parse("a 1\n# EOF\nb 2\n");
        assertTrue(page.endOfFile());
        assertEquals(1, page.badLines());
        assertEquals(List.of("a"), page.samples().stream().map(Sample::name).toList());
    }

    @Test
    void aSecondTypeForOneFamilyIsABadLine() {
        Exposition page = ExpositionParser.parse("# TYPE a counter\n# TYPE a gauge\na 1\n");
        assertEquals(1, page.badLines());
        assertEquals("counter", page.types().get("a"));
        assertEquals(1, page.samples().size());
    }

    @Test
    void anEmptyPageHasNothing() {
        Exposition page = ExpositionParser.parse("");
        assertEquals(0, page.samples().size());
        assertEquals(0, page.badLines());
    }
}
