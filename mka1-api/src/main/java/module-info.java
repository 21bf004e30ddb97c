/**
 * The public surface of mka1-java: API value types and the {@code Mka1} facade
 * ({@code com.mka1.api}), and the compute SPI that backends implement ({@code com.mka1.spi}).
 * Depends on nothing but the JDK.
 */
module com.mka1.api {
    exports com.mka1.api;
    exports com.mka1.api.facade;
    exports com.mka1.api.chat;
    exports com.mka1.api.files;
    exports com.mka1.api.finetuning;
    exports com.mka1.api.models;
    exports com.mka1.api.responses;
    exports com.mka1.spi;
}
