package com.mka1.server.http;

/** One endpoint: method, path template, who may call it, and the handler. */
public record Route(String method, PathTemplate path, Access access, Handler handler) {}
