package com.mka1.core.registry.hub;

/**
 * A file of a hub repository, as the hub's model metadata lists it.
 *
 * @param name   path inside the repository ("model.safetensors")
 * @param size   bytes, or -1 when the metadata does not say
 * @param sha256 lowercase hex SHA-256 for LFS files, or null (then the ETag may supply it)
 */
public record HubFile(String name, long size, String sha256) {}
