/**
 * The Responses API: {@link com.mka1.api.responses.ResponseService} generates text from a base or
 * fine-tuned model; request, response object and stream events mirror OpenAI's
 * {@code /v1/responses} field for field (wire names in camelCase).
 */
package com.mka1.api.responses;
