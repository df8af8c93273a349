// Activation functions shared by the elementwise kernel and the fused feed-forward products, written
// as the CPU backend's reference versions compute them.
float silu(float v) { return v / (1.0 + exp(-v)); }
