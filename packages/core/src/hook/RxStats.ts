/**
 * Per-device RX counters the poll loop maintains (the ethtool -S rx_xdp_* style). Plain
 * numbers, incremented in place.
 */
export class RxStats {
  /** completions the driver processed */
  packets = 0
  bytes = 0
  xdpAborted = 0
  xdpDrop = 0
  xdpPass = 0
  xdpTx = 0
  xdpRedirect = 0
  /** verdicts the device cannot carry out (XDP_TX / XDP_REDIRECT on a driver without a TX half) */
  xdpUnsupported = 0
  /** XDP_TX frames the TX ring could not take (dropped) */
  xdpTxErrors = 0
  /** xdp_do_redirect failures (dropped) */
  xdpRedirectErrors = 0
  /** frames the wire offered with no posted RX buffer (rx_missed / rx_out_of_buffer) */
  rxMissed = 0
  /** frames the MAC dropped (runt / oversize) */
  rxDroppedByMac = 0
  /** skbs handed to the stack */
  skbs = 0
}
