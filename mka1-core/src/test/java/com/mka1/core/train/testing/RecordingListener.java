package com.mka1.core.train.testing;

import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;
import java.util.ArrayList;
import java.util.List;

/** Records every callback; asks to stop once {@code stopAfterStep} steps have completed (or never, with -1). */
public class RecordingListener implements TrainingListener {
    public final List<TrainingPlan> plans = new ArrayList<>();
    public final List<StepMetrics> steps = new ArrayList<>();
    public final List<CheckpointInfo> checkpoints = new ArrayList<>();
    public final List<String> messages = new ArrayList<>();
    private final int stopAfterStep;
    private int lastStep;

    public RecordingListener(int stopAfterStep) {
        this.stopAfterStep = stopAfterStep;
    }

    @Override
    public void started(TrainingPlan plan) {
        plans.add(plan);
        lastStep = plan.startStep();
    }

    @Override
    public void step(StepMetrics metrics) {
        steps.add(metrics);
        lastStep = metrics.step();
    }

    @Override
    public void checkpoint(CheckpointInfo checkpoint) {
        checkpoints.add(checkpoint);
    }

    @Override
    public void message(String level, String text) {
        messages.add(level + ": " + text);
    }

    @Override
    public boolean stopRequested() {
        return lastStep == stopAfterStep;
    }
}
