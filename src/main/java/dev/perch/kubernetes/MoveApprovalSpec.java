package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * The move an operator approves, spelled as Perch proposes it (the InferenceApp's annotation
 * {@value KubernetesApprovals#PROPOSED}, {@code <from> -> <to>}), and which proposal of it
 * ({@value KubernetesApprovals#PROPOSAL}): an approval of an earlier proposal of the same move
 * releases nothing.
 */
public class MoveApprovalSpec {
    /** An accelerator id, {@code <node>/<tpu|gpu|cpu><index>}. */
    static final String ACCELERATOR = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[a-z]+[0-9]+$";

    @Required
    @PrinterColumn(name = "APP")
    @JsonPropertyDescription("The InferenceApp (in this namespace) whose move is approved.")
    private String app;

    @Required
    @Pattern(ACCELERATOR)
    @PrinterColumn(name = "FROM")
    @JsonPropertyDescription("The accelerator the app moves from, as proposed, e.g. pi-1/tpu0.")
    private String from;

    @Required
    @Pattern(ACCELERATOR)
    @PrinterColumn(name = "TO")
    @JsonPropertyDescription("The accelerator the app moves to, as proposed, e.g. pi-2/tpu0.")
    private String to;

    @Required
    @JsonPropertyDescription("The proposal approved, copied from the InferenceApp's annotation perch.dev/proposal (the moment"
            + " Perch proposed the move): an approval of an earlier proposal of the same move releases nothing.")
    private String proposal;

    @JsonPropertyDescription("Why it is approved, for the record; Perch does not read it.")
    private String comment;

    public String getApp() {
        return app;
    }

    public void setApp(String app) {
        this.app = app;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public String getProposal() {
        return proposal;
    }

    public void setProposal(String proposal) {
        this.proposal = proposal;
    }

    public String getComment() {
        return comment;
    }

    public void setComment(String comment) {
        this.comment = comment;
    }
}
