/**
 * JSON for the API types: a small immutable tree ({@link com.mka1.api.JsonValue}) read and
 * written with jackson-core's streaming parser, and one codec per API type with the exact wire
 * field names in a stable order. Request parsing ignores unknown fields and names the field at
 * fault on a type error.
 */
package com.mka1.core.json;
