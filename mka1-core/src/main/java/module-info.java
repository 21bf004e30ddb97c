/**
 * The engine: file store, jobs, durable state, Llama model, tokenizer, training and generation.
 * An embedding application sees the facade ({@code com.mka1.core}: {@code EmbeddedMka1},
 * {@code LocalModels}), the training-data formats ({@code com.mka1.core.data}) and the
 * {@code Trainer} SPI ({@code com.mka1.core.train}); the HTTP server alone also sees the wire
 * codecs. Everything else is the engine's own.
 */
module com.mka1.core {
    requires transitive com.mka1.api;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires java.net.http;

    exports com.mka1.core;
    exports com.mka1.core.data;
    exports com.mka1.core.train;
    exports com.mka1.core.jobs.store; // the job-state seam a shared store (mka1-store-postgres) implements
    exports com.mka1.core.storage.blob; // the blob seam a shared object store (mka1-store-s3) implements
    exports com.mka1.core.json to com.mka1.server;
    exports com.mka1.core.storage to com.mka1.server; // the upload spool's write failures map like the engine's
    exports com.mka1.core.inference.constrained to com.mka1.server; // chat refuses a bad response_format under its own field

    uses com.mka1.spi.ComputeBackend;
    uses com.mka1.core.train.Trainer;
    provides com.mka1.spi.ComputeBackend with com.mka1.core.compute.ReferenceBackend;
    provides com.mka1.core.train.Trainer with com.mka1.core.train.llama.LlamaTrainer;
}
