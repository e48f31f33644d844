package dev.perch.agent;

/** An agent config that cannot be used, in one line naming the file and the field's path. */
public class AgentConfigException extends RuntimeException {
    public AgentConfigException(String message) {
        super(message);
    }

    public AgentConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
