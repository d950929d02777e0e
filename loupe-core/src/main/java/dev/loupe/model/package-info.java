/**
 * The transformer engine: one generic {@link dev.loupe.model.Transformer} configured by a
 * {@link dev.loupe.model.TransformerConfig}, with TransformerLens hook points. Models are loaded by
 * {@link dev.loupe.model.arch.ModelLoader} (HF GPT-2, GPT-NeoX/Pythia, Llama/Mistral, Qwen2; llama2.c).
 *
 * <p>Hook points and shapes (B = batch, S = new positions, T = key positions incl. cached ones,
 * H / Hkv = query / kv heads, Dh = d_head, D = d_model, F = d_mlp):
 * <table>
 *   <caption>hook points</caption>
 *   <tr><th>name</th><th>shape</th><th>value</th></tr>
 *   <tr><td>hook_embed</td><td>[B, S, D]</td><td>W_E[ids]</td></tr>
 *   <tr><td>hook_pos_embed</td><td>[B, S, D]</td><td>W_pos[pos] (learned positions only)</td></tr>
 *   <tr><td>blocks.{l}.hook_resid_pre / hook_resid_mid / hook_resid_post</td><td>[B, S, D]</td><td>residual stream (no resid_mid for parallel blocks)</td></tr>
 *   <tr><td>blocks.{l}.ln1|ln2.hook_scale, ln_final.hook_scale</td><td>[B, S, 1]</td><td>sqrt(var + eps) or sqrt(mean(x²) + eps)</td></tr>
 *   <tr><td>….hook_normalized</td><td>[B, S, D]</td><td>LayerNorm: incl. w and b; RMSNorm: x/scale before w (as TL)</td></tr>
 *   <tr><td>blocks.{l}.attn.hook_q / hook_rot_q / hook_z</td><td>[B, S, H, Dh]</td><td>before rotary / after rotary / pattern·v</td></tr>
 *   <tr><td>blocks.{l}.attn.hook_k / hook_v / hook_rot_k</td><td>[B, S, Hkv, Dh]</td><td>kv heads, not repeated</td></tr>
 *   <tr><td>blocks.{l}.attn.hook_attn_scores / hook_pattern</td><td>[B, H, S, T]</td><td>−inf / 0 above the causal diagonal</td></tr>
 *   <tr><td>blocks.{l}.hook_attn_out / hook_mlp_out</td><td>[B, S, D]</td><td>branch outputs incl. their biases</td></tr>
 *   <tr><td>blocks.{l}.mlp.hook_pre / hook_pre_linear / hook_post</td><td>[B, S, F]</td><td>pre-activation (gate when gated) / up-projection (gated only) / input of W_out</td></tr>
 * </table>
 */
package dev.loupe.model;
