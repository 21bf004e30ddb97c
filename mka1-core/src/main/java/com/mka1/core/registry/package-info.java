/** Which models exist: base models found in the models directory and the fine-tuned models jobs registered. */
package com.mka1.core.registry;
