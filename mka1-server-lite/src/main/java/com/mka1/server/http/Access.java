package com.mka1.server.http;

/** Who may call a route: any valid key, or admin keys only. */
public enum Access {
    ANY_KEY, ADMIN_ONLY
}
