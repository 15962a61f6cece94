package org.jacobi.core;

/** Where the user wants native work to run: {@code AUTO} takes the GPU when one is usable, else the CPU. */
public enum DevicePreference {
    AUTO, CPU, CUDA
}
