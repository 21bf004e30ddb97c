package com.mka1.core.data;

/** Which objective a run optimises. */
public enum TrainingMethod { SUPERVISED, DPO }
