/** The engine: file store, jobs, durable state, Llama model, tokenizer, training and generation. */
module com.mka1.core {
    requires transitive com.mka1.api;
    requires transitive com.fasterxml.jackson.core; // the exported codecs take a JsonGenerator
    requires org.slf4j;
    requires java.net.http;

    exports com.mka1.core.compute;
    exports com.mka1.core;
    exports com.mka1.core.data;
    exports com.mka1.core.files;
    exports com.mka1.core.jobs;
    exports com.mka1.core.json;
    exports com.mka1.core.inference;
    exports com.mka1.core.models.hub;
    exports com.mka1.core.models.tiny;
    exports com.mka1.core.model;
    exports com.mka1.core.safetensors;
    exports com.mka1.core.storage;
    exports com.mka1.core.models;
    exports com.mka1.core.tokenizer;
    exports com.mka1.core.train;

    uses com.mka1.spi.ComputeBackend;
    provides com.mka1.spi.ComputeBackend with com.mka1.core.compute.ReferenceBackend;
    provides com.mka1.core.train.Trainer with com.mka1.core.train.LlamaTrainer;
}
