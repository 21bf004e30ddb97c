/**
 * The job-state seam: the durable records of a job ({@link com.mka1.core.jobs.store.JobRecord},
 * its events and checkpoints), the atomic {@link com.mka1.core.jobs.store.JobChange} a store
 * commits with compare-and-set on the version, their JSON forms ({@link com.mka1.core.jobs.store.JobJson})
 * and the leases of a queue shared by several servers ({@link com.mka1.core.jobs.store.JobLeases}).
 * Exported so a store in its own module (PostgreSQL) implements it without core depending on it.
 */
package com.mka1.core.jobs.store;
