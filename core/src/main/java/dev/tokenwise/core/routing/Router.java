package dev.tokenwise.core.routing;

/**
 * Scores a prompt for routing: a difficulty in [0, 1], where higher means the strong (large) model
 * is more likely needed. A threshold turns the score into a decision: difficulty at or above it
 * goes to the strong model, below it to the weak one.
 */
public interface Router {
    double difficulty(String prompt);

    /** "rules", "learned", ... for logs and reports. */
    String kind();
}
