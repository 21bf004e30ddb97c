package com.mka1.server.http;

import java.util.List;
import java.util.Map;

/** What the router found for a method and path. */
public sealed interface RouteMatch {
    record Found(Route route, Map<String, String> params) implements RouteMatch {}

    /** The path exists, but not with this method. */
    record WrongMethod(List<String> allowed) implements RouteMatch {}

    record NoSuchPath() implements RouteMatch {}
}
