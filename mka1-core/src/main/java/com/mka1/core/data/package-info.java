/**
 * Training data: JSONL chat and preference examples parsed into records, and validation of a
 * training file before a job may run (the API spec's rules, with "Line N: ..." messages).
 */
package com.mka1.core.data;
