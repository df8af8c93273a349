package dev.braid;

/** Where a {@link Context} computes (the order is braid_backend's). */
public enum Backend {
    /** Vulkan when a GPU is present, else the CPU. */
    AUTO,
    /** The CPU (multi-threaded SIMD kernels). */
    CPU,
    /** Vulkan (any Vulkan 1.2 device; {@code BRAID_VK_DEVICE} picks one). */
    VULKAN
}
