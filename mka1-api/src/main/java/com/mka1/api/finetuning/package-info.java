/** Fine-tuning jobs, their events and checkpoints ({@code /fine_tuning/jobs}). */
package com.mka1.api.finetuning;
