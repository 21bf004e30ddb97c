/** API value types (files, jobs, events, checkpoints, models, responses), the {@link com.mka1.api.facade.Mka1} facade and typed errors. */
package com.mka1.api;
