package com.mka1.core.model;

/** Which weights a loaded model trains. */
public sealed interface TrainableWeights {
    /** Every weight trains, in F32; parameters carry Hugging Face names. */
    record Full() implements TrainableWeights {}

    /** Base weights frozen (BF16 if the file was BF16); only LoRA A/B train, with PEFT names. */
    record Lora(LoraSpec spec) implements TrainableWeights {}

    /** Nothing trains: inference and evaluation only. */
    record Frozen() implements TrainableWeights {}
}
