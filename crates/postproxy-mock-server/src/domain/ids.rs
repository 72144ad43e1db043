//! [`IdGenerator`]: deterministic streams (SplitMix64) for new ids, keys and tokens, and for the
//! made-up numbers of polled stats, so that a seed fixes everything the mock invents.

/// Deterministic ids: a SplitMix64 stream rendered in base 36.
#[derive(Debug, Clone)]
pub struct IdGenerator {
    state: u64,
}

impl IdGenerator {
    /// A stream determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A stream determined by `seed` and a label (e.g. an account id), so that accounts draw
    /// from independent streams.
    pub fn labelled(seed: u64, label: &str) -> Self {
        let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Self::new(h)
    }

    /// The next 64 random bits of the stream.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `prefix` followed by `len` base-36 characters.
    pub fn next_id(&mut self, prefix: &str, len: usize) -> String {
        self.next_in(prefix, len, b"0123456789abcdefghijklmnopqrstuvwxyz")
    }

    /// `prefix` followed by `len` decimal digits (the first not 0).
    pub fn next_digits(&mut self, prefix: &str, len: usize) -> String {
        let mut id = self.next_in(prefix, len, b"0123456789");
        if id[prefix.len()..].starts_with('0') {
            id.replace_range(prefix.len()..=prefix.len(), "1");
        }
        id
    }

    fn next_in(&mut self, prefix: &str, len: usize, alphabet: &[u8]) -> String {
        let base = alphabet.len() as u64;
        let mut id = String::with_capacity(prefix.len() + len);
        id.push_str(prefix);
        let mut bits = self.next_u64();
        let mut left = 12; // 36^12 < 2^64: at least twelve digits per draw
        for _ in 0..len {
            if left == 0 {
                bits = self.next_u64();
                left = 12;
            }
            id.push(char::from(alphabet[(bits % base) as usize]));
            bits /= base;
            left -= 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_base36_and_seeded() {
        let mut a = IdGenerator::new(1);
        let mut b = IdGenerator::new(1);
        let id = a.next_id("grp_", 10);
        assert_eq!(id, b.next_id("grp_", 10));
        assert_eq!(id.len(), 14);
        assert!(id[4..]
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        assert_ne!(id, a.next_id("grp_", 10));
        assert_eq!(a.next_id("inv_", 30).len(), 34);
        let digits = a.next_digits("", 15);
        assert!(digits.len() == 15 && !digits.starts_with('0'));
        assert_ne!(
            IdGenerator::labelled(1, "a").next_id("", 8),
            IdGenerator::labelled(1, "b").next_id("", 8)
        );
    }
}
