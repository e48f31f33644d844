package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perch.model.profile.SloStatistic;

/** SLO statistics as the CRD spells them (an enum in the schema). */
public enum SloKind {
    @JsonProperty("mean") MEAN(SloStatistic.MEAN),
    @JsonProperty("p50") P50(SloStatistic.P50),
    @JsonProperty("p95") P95(SloStatistic.P95),
    @JsonProperty("p99") P99(SloStatistic.P99);

    private final SloStatistic statistic;

    SloKind(SloStatistic statistic) {
        this.statistic = statistic;
    }

    public SloStatistic statistic() {
        return statistic;
    }
}
