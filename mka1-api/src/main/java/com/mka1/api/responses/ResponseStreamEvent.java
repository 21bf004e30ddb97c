package com.mka1.api.responses;

/**
 * One event of a streamed response, in the order the spec gives: created, in_progress,
 * output_item.added, content_part.added, output_text.delta (many), output_text.done,
 * content_part.done, output_item.done, then completed, incomplete or failed. Every event carries
 * an increasing {@code sequenceNumber} starting at 0. {@link #type()} is the SSE event name.
 */
public sealed interface ResponseStreamEvent {
    String type();

    int sequenceNumber();

    /** {@code response.created}: the response, in progress, with no output yet. */
    record Created(int sequenceNumber, Response response) implements ResponseStreamEvent {
        public String type() {
            return "response.created";
        }
    }

    /** {@code response.in_progress}. */
    record InProgress(int sequenceNumber, Response response) implements ResponseStreamEvent {
        public String type() {
            return "response.in_progress";
        }
    }

    /** {@code response.output_item.added}: the message item, in progress, empty. */
    record OutputItemAdded(int sequenceNumber, int outputIndex, OutputItem item) implements ResponseStreamEvent {
        public String type() {
            return "response.output_item.added";
        }
    }

    /** {@code response.content_part.added}: an empty output_text part. */
    record ContentPartAdded(int sequenceNumber, String itemId, int outputIndex, int contentIndex, OutputText part)
            implements ResponseStreamEvent {
        public String type() {
            return "response.content_part.added";
        }
    }

    /** {@code response.output_text.delta}: the next piece of text. */
    record OutputTextDelta(int sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta)
            implements ResponseStreamEvent {
        public String type() {
            return "response.output_text.delta";
        }
    }

    /** {@code response.output_text.done}: the whole text of the part. */
    record OutputTextDone(int sequenceNumber, String itemId, int outputIndex, int contentIndex, String text)
            implements ResponseStreamEvent {
        public String type() {
            return "response.output_text.done";
        }
    }

    /** {@code response.content_part.done}: the finished part. */
    record ContentPartDone(int sequenceNumber, String itemId, int outputIndex, int contentIndex, OutputText part)
            implements ResponseStreamEvent {
        public String type() {
            return "response.content_part.done";
        }
    }

    /** {@code response.output_item.done}: the finished message item. */
    /** Arguments of a function call being written ({@code response.function_call_arguments.delta}). */
    record FunctionCallArgumentsDelta(int sequenceNumber, String itemId, int outputIndex, String delta)
            implements ResponseStreamEvent {
        public String type() {
            return "response.function_call_arguments.delta";
        }
    }

    /** A function call's whole arguments ({@code response.function_call_arguments.done}). */
    record FunctionCallArgumentsDone(int sequenceNumber, String itemId, int outputIndex, String name, String arguments)
            implements ResponseStreamEvent {
        public String type() {
            return "response.function_call_arguments.done";
        }
    }

    record OutputItemDone(int sequenceNumber, int outputIndex, OutputItem item) implements ResponseStreamEvent {
        public String type() {
            return "response.output_item.done";
        }
    }

    /** {@code response.completed}, {@code response.incomplete} or {@code response.failed}, by the response's status. */
    record Finished(int sequenceNumber, Response response) implements ResponseStreamEvent {
        public String type() {
            return switch (response.status()) {
                case COMPLETED -> "response.completed";
                case INCOMPLETE -> "response.incomplete";
                case FAILED -> "response.failed";
                case IN_PROGRESS -> throw new IllegalStateException("a finished response cannot be in progress");
            };
        }
    }

    /** {@code error}: generation failed mid-stream. */
    record Error(int sequenceNumber, String code, String message, String param) implements ResponseStreamEvent {
        public String type() {
            return "error";
        }
    }
}
