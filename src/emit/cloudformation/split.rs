//! Splitting a module that does not fit one template into several stacks, in deploy order.
//!
//! The model lists a module's resources in dependency order (nothing refers to a resource listed after it), so
//! cutting that list into consecutive runs gives stacks that each refer only to themselves and to the stacks
//! before them. The cut is greedy: each resource goes into the current stack while the stack stays within every
//! limit, and starts the next stack otherwise.
//! This module only counts; what a resource weighs where it is placed is the caller's to say, because a
//! reference to another stack is written differently (and takes other space) than a reference inside one.

use crate::aws;

/// What one template may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Resources per template.
    pub resources: usize,
    /// Outputs per template, exports included.
    pub outputs: usize,
    /// Bytes of template body.
    pub bytes: usize,
}

impl Limits {
    /// CloudFormation's own limits, for a template uploaded to S3 (the larger body limit: a template over the
    /// inline limit is still deployable with `--s3-bucket`, and the module README says which need it).
    pub const CLOUDFORMATION: Limits = Limits {
        resources: aws::CLOUDFORMATION_RESOURCES_MAX,
        outputs: aws::CLOUDFORMATION_OUTPUTS_MAX,
        bytes: aws::CLOUDFORMATION_TEMPLATE_S3_MAX_BYTES,
    };

    /// Whether a template of this weight fits.
    pub fn hold(&self, weight: Weight) -> bool {
        weight.resources <= self.resources && weight.outputs <= self.outputs && weight.bytes <= self.bytes
    }
}

/// What a template, or one item of it, takes of each limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Weight {
    /// Resources.
    pub resources: usize,
    /// Outputs, exports included.
    pub outputs: usize,
    /// Bytes of template text.
    pub bytes: usize,
}

impl std::ops::Add for Weight {
    type Output = Weight;

    fn add(self, other: Weight) -> Weight {
        Weight { resources: self.resources + other.resources, outputs: self.outputs + other.outputs, bytes: self.bytes + other.bytes }
    }
}

/// Greedy filling of numbered stacks (from 0), one item at a time in order: each item goes into the current stack
/// while the stack stays within every limit, and starts the next stack otherwise.
///
/// The caller weighs each item in the stack it would go into ([`Filling::fits`]), and weighs it again in the next
/// stack when it does not fit ([`Filling::start_next`]): moving an item changes which of its references cross
/// stacks, so what it weighs depends on where it goes.
#[derive(Debug)]
pub struct Filling {
    limits: Limits,
    /// What an empty template takes (its header, description and rules).
    base: Weight,
    /// The stack of each item placed so far, never decreasing.
    placed: Vec<usize>,
    /// The stack being filled.
    stack: usize,
    /// What the stack being filled takes so far, `base` included.
    filled: Weight,
}

impl Filling {
    /// Filling within `limits`, each template taking `base` before any item.
    pub fn new(limits: Limits, base: Weight) -> Filling {
        Filling { limits, base, placed: Vec::new(), stack: 0, filled: base }
    }

    /// The stack of each item placed so far.
    pub fn placed(&self) -> &[usize] {
        &self.placed
    }

    /// The stack being filled.
    pub fn stack(&self) -> usize {
        self.stack
    }

    /// Whether the stack being filled has no item yet.
    pub fn stack_is_empty(&self) -> bool {
        self.placed.last() != Some(&self.stack)
    }

    /// Places the next item into the stack being filled when it fits there with `weight`, and says whether it did.
    ///
    /// # Panics
    ///
    /// When the item does not fit the stack being filled while that stack is empty: a split cannot help then, and
    /// the model should have refused what made the item so large.
    pub fn fits(&mut self, weight: Weight) -> bool {
        if self.limits.hold(self.filled + weight) {
            self.filled = self.filled + weight;
            self.placed.push(self.stack);
            return true;
        }
        if self.stack_is_empty() {
            panic!(
                "internal error: item {} ({weight:?}) does not fit an empty template ({:?}); please report this",
                self.placed.len(),
                self.limits
            );
        }
        false
    }

    /// Closes the stack being filled and places the next item, which [`Filling::fits`] refused there, alone into the
    /// next stack, where it weighs `alone`.
    ///
    /// # Panics
    ///
    /// When the item does not fit an empty template either (see [`Filling::fits`]).
    pub fn start_next(&mut self, alone: Weight) {
        self.stack += 1;
        self.filled = self.base;
        if !self.fits(alone) {
            unreachable!("an empty stack takes its first item or panics");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits { resources: 3, outputs: 2, bytes: 100 };

    fn weight(resources: usize, outputs: usize, bytes: usize) -> Weight {
        Weight { resources, outputs, bytes }
    }

    /// Places `items` items as an emitter does, weighing each with `weigh(placed, stack)`: where the items before
    /// it went, and the stack it would go into.
    fn partition(items: usize, base: Weight, mut weigh: impl FnMut(&[usize], usize) -> Weight) -> Vec<usize> {
        let mut filling = Filling::new(SMALL, base);
        for _ in 0..items {
            let weight = weigh(filling.placed(), filling.stack());
            if !filling.fits(weight) {
                let alone = weigh(filling.placed(), filling.stack() + 1);
                filling.start_next(alone);
            }
        }
        filling.placed().to_vec()
    }

    /// Places items of fixed weights.
    fn check(weights: &[Weight], base: Weight, expected: &[usize]) {
        let placed = partition(weights.len(), base, |placed, _| weights[placed.len()]);
        assert_eq!(placed, expected);
    }

    #[test]
    fn items_fill_a_stack_up_to_each_limit() {
        let one = weight(1, 0, 10);
        check(&[one; 7], Weight::default(), &[0, 0, 0, 1, 1, 1, 2]);
        let with_outputs = weight(1, 1, 10);
        check(&[with_outputs; 5], Weight::default(), &[0, 0, 1, 1, 2]);
        let heavy = weight(1, 0, 40);
        check(&[heavy; 5], Weight::default(), &[0, 0, 1, 1, 2]);
        check(&[heavy; 3], weight(0, 0, 20), &[0, 0, 1]);
    }

    #[test]
    fn an_item_with_no_weight_stays_in_the_current_stack() {
        let one = weight(1, 0, 10);
        check(&[one, one, one, Weight::default(), one], Weight::default(), &[0, 0, 0, 0, 1]);
    }

    #[test]
    fn an_item_is_weighed_again_in_the_stack_it_moves_to() {
        // Item 1 refers to item 0: cheap beside it, dearer from another stack.
        let mut asked = Vec::new();
        let placed = partition(3, Weight::default(), |placed, stack| {
            asked.push((placed.len(), stack));
            let beside_first = placed.first().is_none_or(|first| *first == stack);
            weight(1, 0, if beside_first { 45 } else { 60 })
        });
        assert_eq!(placed, [0, 0, 1]);
        assert_eq!(asked, [(0, 0), (1, 0), (2, 0), (2, 1)]);
    }

    #[test]
    #[should_panic(expected = "does not fit an empty template")]
    fn an_item_too_large_for_any_template_is_an_internal_error() {
        check(&[weight(1, 0, 10), weight(1, 0, 101)], Weight::default(), &[]);
    }

    #[test]
    #[should_panic(expected = "does not fit an empty template")]
    fn a_first_item_too_large_for_any_template_is_an_internal_error() {
        check(&[weight(1, 0, 101)], Weight::default(), &[]);
    }
}
