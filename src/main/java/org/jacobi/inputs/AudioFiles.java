package org.jacobi.inputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.jacobi.core.JacobiException;

/**
 * Reads WAV clips with the JDK ({@code javax.sound.sampled}): PCM of 8 (unsigned), 16, 24 or 32 bits and IEEE float,
 * either byte order, any channel count, mixed down to mono as the mean of the channels. Integer samples are scaled
 * to -1..1 by dividing by 2^(bits-1), as NumPy-based loaders (soundfile, librosa, torchaudio) do.
 */
public final class AudioFiles {
    private AudioFiles() {
    }

    /** A mono clip: samples in -1..1 and the rate they were recorded at. */
    public record Clip(double[] samples, float sampleRate) {
        /** The clip at {@code rate} Hz, resampled by a windowed sinc (Lanczos-3, antialiased when lowering the rate). */
        public Clip resampledTo(int rate) {
            if (rate <= 0 || rate == sampleRate) {
                return this;
            }
            int n = (int) Math.max(1, Math.round(samples.length * (double) rate / sampleRate));
            return new Clip(Resampling.LANCZOS3.resample(samples, n), rate);
        }
    }

    public static boolean isAudioFile(Path file) {
        String e = ImageFiles.extension(file);
        return e.equals("wav") || e.equals("wave");
    }

    public static Clip read(Path file) {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw JacobiException.usage(file + ": no such file. Check the path.");
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat f = in.getFormat();
            AudioFormat.Encoding enc = f.getEncoding();
            int bits = f.getSampleSizeInBits();
            boolean supported = (enc.equals(AudioFormat.Encoding.PCM_SIGNED) && (bits == 16 || bits == 24 || bits == 32))
                || (enc.equals(AudioFormat.Encoding.PCM_UNSIGNED) && bits == 8)
                || (enc.equals(AudioFormat.Encoding.PCM_SIGNED) && bits == 8)
                || (enc.equals(AudioFormat.Encoding.PCM_FLOAT) && (bits == 32 || bits == 64));
            if (!supported) {
                throw JacobiException.usage(name + " holds " + enc + " audio of " + bits + " bits; Jacobi reads PCM (8, 16, 24, 32 bits) "
                    + "and float WAV. Convert it, e.g. ffmpeg -i " + name + " -c:a pcm_s16le out.wav");
            }
            byte[] bytes = in.readAllBytes();
            int channels = f.getChannels();
            int width = bits / 8;
            int frames = bytes.length / (width * channels);
            double[] mono = new double[frames];
            for (int i = 0; i < frames; i++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += sample(bytes, (i * channels + c) * width, width, enc, f.isBigEndian());
                }
                mono[i] = sum / channels;
            }
            if (frames == 0) {
                throw JacobiException.usage(name + " holds no samples. Give another clip.");
            }
            return new Clip(mono, f.getSampleRate());
        } catch (UnsupportedAudioFileException e) {
            throw JacobiException.usage(name + " is not a WAV file Jacobi can read. Convert it, e.g. ffmpeg -i " + name + " out.wav");
        } catch (IOException e) {
            throw new JacobiException(name + " could not be read (" + e.getMessage() + "). Check that the file is complete.", e);
        }
    }

    private static double sample(byte[] b, int at, int width, AudioFormat.Encoding enc, boolean bigEndian) {
        long v = 0;
        for (int k = 0; k < width; k++) {
            int octet = b[at + (bigEndian ? k : width - 1 - k)] & 0xff;
            v = (v << 8) | octet;
        }
        if (enc.equals(AudioFormat.Encoding.PCM_FLOAT)) {
            return width == 4 ? Float.intBitsToFloat((int) v) : Double.longBitsToDouble(v);
        }
        if (enc.equals(AudioFormat.Encoding.PCM_UNSIGNED)) {
            return (v - 128) / 128.0;
        }
        long signed = (v << (64 - 8 * width)) >> (64 - 8 * width);
        return signed / (double) (1L << (8 * width - 1));
    }
}
