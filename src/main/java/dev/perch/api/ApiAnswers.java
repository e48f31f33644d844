package dev.perch.api;

import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * What every endpoint of the API reads and answers alike: a whole-number query parameter within its
 * bounds, and an error as {@code {"error": "…"}} with a one-line reason (400 for bad input, 404 for
 * an unknown id).
 */
final class ApiAnswers {
    private ApiAnswers() {
    }

    /**
     * The parameter's value, or null when it is absent; IllegalArgumentException with a one-line
     * reason when it is not a whole number from {@code min} to {@code max} ({@link Integer#MAX_VALUE}:
     * no upper bound).
     */
    static Integer wholeNumber(String name, String value, int min, int max) {
        if (value == null) {
            return null;
        }
        int number;
        try {
            number = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            number = min - 1;
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min
                    + (max == Integer.MAX_VALUE ? "" : " to " + max) + ", got '" + value + "'");
        }
        return number;
    }

    static Response badRequest(String reason) {
        return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("error", reason)).build();
    }

    static Response notFound(String reason) {
        return Response.status(Response.Status.NOT_FOUND).entity(Map.of("error", reason)).build();
    }
}
