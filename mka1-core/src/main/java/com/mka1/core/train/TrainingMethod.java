package com.mka1.core.train;

/** Which objective a run optimises. */
public enum TrainingMethod { SUPERVISED, DPO }
