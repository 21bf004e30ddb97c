/**
 * Fine-tuning jobs: request validation, the state machine, a bounded queue served by a fixed
 * number of worker threads, events, checkpoints, result files, and durable state that survives
 * a restart. Training itself goes through {@link com.mka1.core.train.Trainer}.
 */
package com.mka1.core.jobs;
