package com.mka1.core.train.loop;

import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.model.Parameter;
import com.mka1.core.train.optim.AdamW;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and restores the resumable state of a run in one file, {@value #FILE_NAME}, written
 * atomically: the {@link LoopState}, then for every trainable parameter its name, its values and
 * both AdamW moments as raw little-endian floats, then a CRC32 of everything before it.
 */
public final class TrainingStateStore {
    public static final String FILE_NAME = "training-state.bin";
    private static final int MAGIC = 0x4D4B5331; // "MKS1"
    private static final int CHUNK = 1 << 18;

    private final Path file;

    public TrainingStateStore(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    public void save(LoopState state, AdamW optimizer) throws IOException {
        AtomicFiles.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16));
            out.writeInt(MAGIC);
            out.writeInt(state.step());
            out.writeLong(state.rngState());
            out.writeUTF(state.fingerprint());
            out.writeDouble(state.lastLoss());
            out.writeDouble(state.lastAccuracy());
            out.writeInt(state.epochOrder().length);
            for (int i : state.epochOrder()) out.writeInt(i);
            List<Parameter> params = optimizer.parameters();
            out.writeInt(params.size());
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                out.writeUTF(p.name());
                out.writeLong(p.value().size());
                writeTensor(out, p.value());
                writeTensor(out, optimizer.firstMoments().get(i));
                writeTensor(out, optimizer.secondMoments().get(i));
            }
            out.flush();
            out.writeLong(crc.getValue());
            out.flush();
        });
    }

    /** Reads the state, restoring parameter values and moments in place; fails naming any mismatch. */
    public LoopState load(AdamW optimizer) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc));
            if (in.readInt() != MAGIC) throw corrupt("bad magic number");
            int step = in.readInt();
            long rng = in.readLong();
            String fingerprint = in.readUTF();
            double lastLoss = in.readDouble();
            double lastAccuracy = in.readDouble();
            int[] order = new int[in.readInt()];
            for (int i = 0; i < order.length; i++) order[i] = in.readInt();
            List<Parameter> params = optimizer.parameters();
            int count = in.readInt();
            if (count != params.size()) {
                throw corrupt("holds " + count + " parameters, the model has " + params.size());
            }
            for (int i = 0; i < count; i++) {
                Parameter p = params.get(i);
                String name = in.readUTF();
                long size = in.readLong();
                if (!name.equals(p.name()) || size != p.value().size()) {
                    throw corrupt("parameter " + i + " is " + name + " [" + size + "], the model has "
                            + p.name() + " [" + p.value().size() + "]");
                }
                readTensor(in, p.value());
                readTensor(in, optimizer.firstMoments().get(i));
                readTensor(in, optimizer.secondMoments().get(i));
            }
            long expected = crc.getValue();
            long stored = in.readLong();
            if (stored != expected) throw corrupt("checksum mismatch");
            return new LoopState(step, rng, order, fingerprint, lastLoss, lastAccuracy);
        } catch (EOFException e) {
            throw corrupt("file is truncated");
        }
    }

    private IOException corrupt(String why) {
        return new IOException("training state " + file + " unusable: " + why);
    }

    private static void writeTensor(DataOutputStream out, Tensor t) throws IOException {
        ComputeDevice device = t.device();
        float[] chunk = new float[(int) Math.min(CHUNK, t.size())];
        ByteBuffer bytes = ByteBuffer.allocate(chunk.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = 0; at < t.size(); at += chunk.length) {
            int len = (int) Math.min(chunk.length, t.size() - at);
            device.copyToHost(t, at, chunk, 0, len);
            bytes.clear();
            bytes.asFloatBuffer().put(chunk, 0, len);
            out.write(bytes.array(), 0, len * 4);
        }
    }

    private static void readTensor(DataInputStream in, Tensor t) throws IOException {
        ComputeDevice device = t.device();
        float[] chunk = new float[(int) Math.min(CHUNK, t.size())];
        byte[] bytes = new byte[chunk.length * 4];
        for (long at = 0; at < t.size(); at += chunk.length) {
            int len = (int) Math.min(chunk.length, t.size() - at);
            in.readFully(bytes, 0, len * 4);
            ByteBuffer.wrap(bytes, 0, len * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(chunk, 0, len);
            device.copyFromHost(chunk, 0, t, at, len);
        }
    }
}
