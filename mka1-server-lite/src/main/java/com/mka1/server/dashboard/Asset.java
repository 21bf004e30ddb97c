package com.mka1.server.dashboard;

/**
 * One file of the dashboard as it is served: its bytes, media type and strong validator.
 *
 * @param etag a quoted strong entity tag derived from the content
 */
record Asset(byte[] content, String contentType, String etag) {}
