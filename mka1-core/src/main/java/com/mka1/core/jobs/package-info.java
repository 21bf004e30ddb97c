/**
 * Fine-tuning jobs. {@link com.mka1.core.jobs.JobManager} holds the API operations and file
 * validation; {@code JobLedger} is the only owner of job state (one locked method per
 * transition, each committed to the {@code JobStore} with its events before it is shown);
 * {@code JobWorker} claims queued jobs, trains them through
 * {@link com.mka1.core.train.Trainer} and records the outcome. Durable state survives a crash
 * at any point.
 */
package com.mka1.core.jobs;
