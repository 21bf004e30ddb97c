package com.mka1.core.data;

/** A line of a training file breaks a format rule; {@link #problem()} names the line. */
public final class InvalidExampleException extends Exception {
    private final transient DataProblem problem;

    public InvalidExampleException(DataProblem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public DataProblem problem() {
        return problem;
    }
}
