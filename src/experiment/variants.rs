//! Variants: `[variants.<name>]` tables deep-merged onto the base scenario.

use toml::{Table, Value};

/// The value that removes a table (or array of tables) of the base in a variant, e.g.
/// `referral = "off"`.
pub const OFF: &str = "off";

/// Merges `over` onto `base`: tables merge key by key, every other value (numbers, strings,
/// arrays, arrays of tables) replaces the base's; `"off"` removes a base table or array.
pub fn merge(base: &mut Table, over: &Table) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (Some(Value::Table(_) | Value::Array(_)), Value::String(s)) if s == OFF => {
                base.remove(key);
            }
            (None, Value::String(s)) if s == OFF => {}
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn tables_merge_values_replace_and_off_removes() {
        let mut base = table(
            "days = 90\n[share]\nreach = 0.3\np_share = 0.2\n[referral]\ninviter_reward_cents = 1\n\
             [[coupon]]\ntarget = \"all\"\n",
        );
        let over = table(
            "days = 30\nreferral = \"off\"\ncoupon = \"off\"\nred_packet = \"off\"\n[share]\nreach = 0.5\n",
        );
        merge(&mut base, &over);
        assert_eq!(
            base,
            table("days = 30\n[share]\nreach = 0.5\np_share = 0.2\n")
        );
    }
}
