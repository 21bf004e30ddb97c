/**
 * Chat Completions, for clients that only speak {@code /chat/completions}: the answer objects.
 * Requests are served by the Responses engine (a chat request is a Responses request whose input
 * is the message list).
 */
package com.mka1.api.chat;
