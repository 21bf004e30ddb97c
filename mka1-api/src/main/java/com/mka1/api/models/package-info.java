/**
 * The Models API: {@link com.mka1.api.models.ModelService} lists base models, fine-tuned models and
 * checkpoints, and deletes fine-tuned ones.
 */
package com.mka1.api.models;
