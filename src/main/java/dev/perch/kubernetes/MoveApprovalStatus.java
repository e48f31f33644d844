package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;

/** What Perch records on an approval: when it released its move (then it approves nothing more). */
public class MoveApprovalStatus {
    @PrinterColumn(name = "USED")
    @JsonPropertyDescription("When Perch let the approved move through (RFC 3339); a used approval approves no later move.")
    private String usedAt;

    public String getUsedAt() {
        return usedAt;
    }

    public void setUsedAt(String usedAt) {
        this.usedAt = usedAt;
    }
}
