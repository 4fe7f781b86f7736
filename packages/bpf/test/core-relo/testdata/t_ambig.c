/* Two flavors of the RX descriptor with different offsets: libbpf refuses ("field offset
 * ambiguity") rather than pick one. */
#include <linux/types.h>

struct mynic_rx_desc {
	__u64 timestamp;
	__u32 rss_hash;
};
struct mynic_rx_desc___old {
	__u32 rss_hash;
	__u64 timestamp;
};
