//! A global allocator that asks for transparent huge pages behind large blocks.
//!
//! The model reads partners and candidates at random across arrays of hundreds of MiB. On
//! 4 KiB pages nearly every such read also misses the TLB (a second-level TLB of ~2 000
//! entries covers 8 MiB); on 2 MiB pages the same TLB covers gigabytes. Linux backs a mapping
//! with huge pages only after `madvise(MADV_HUGEPAGE)` when
//! `/sys/kernel/mm/transparent_hugepage/enabled` is `madvise` (a common default), so every
//! block of at least [`THRESHOLD`] bytes is advised right after the system allocator hands
//! it out, before the caller first touches it. Small blocks, and other platforms, are left
//! alone; where huge pages are off the advice is ignored.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large are advised.
pub const THRESHOLD: usize = 4 << 20;

/// Install with `#[global_allocator] static A: HugePageAlloc = HugePageAlloc;` in a binary.
pub struct HugePageAlloc;

#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, size: usize) {
    const PAGE: usize = 4096;
    if ptr.is_null() || size < THRESHOLD {
        return;
    }
    // madvise wants a page-aligned start: advise the whole pages inside the block.
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + size) / PAGE * PAGE;
    if end > start {
        // SAFETY: [start, end) lies inside a live block this process owns; the advice
        // changes only how the kernel backs it, never its contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_: *mut u8, _: usize) {}

// SAFETY: every call is forwarded to `System` with the caller's own layout; the only
// addition is advice on the returned block.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // Large zeroed blocks are fresh mappings the C library does not touch, so the
        // advice still comes before the first touch.
        let ptr = System.alloc_zeroed(layout);
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(ptr, layout, new_size);
        advise(new, new_size);
        new
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The `VmFlags` of the mapping that holds `addr`, from `/proc/self/smaps`.
    fn vm_flags(addr: usize) -> Option<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ') {
                if let Some((lo, hi)) = range.split_once('-') {
                    if let (Ok(lo), Ok(hi)) =
                        (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
                    {
                        inside = (lo..hi).contains(&addr);
                        continue;
                    }
                }
            }
            if inside {
                if let Some(flags) = line.strip_prefix("VmFlags:") {
                    return Some(flags.trim().to_string());
                }
            }
        }
        None
    }

    #[test]
    fn large_blocks_are_advised_and_keep_their_contents_through_realloc() {
        let a = HugePageAlloc;
        let small = Layout::from_size_align(64, 8).unwrap();
        let large = THRESHOLD + 4096;
        // SAFETY: non-zero layouts; each block is used within its size and freed once.
        unsafe {
            let p = a.alloc_zeroed(small);
            for k in 0..64 {
                *p.add(k) = k as u8;
            }
            let q = a.realloc(p, small, large);
            assert!(
                (0..64).all(|k| *q.add(k) == k as u8),
                "contents survive growth"
            );
            let flags = vm_flags(q as usize + large / 2).expect("the block is mapped");
            assert!(flags.split(' ').any(|f| f == "hg"), "advised: {flags}");
            let r = a.realloc(q, Layout::from_size_align(large, 8).unwrap(), 64);
            assert!(
                (0..64).all(|k| *r.add(k) == k as u8),
                "contents survive shrinking"
            );
            a.dealloc(r, small);

            let z = a.alloc_zeroed(Layout::from_size_align(large, 8).unwrap());
            assert!((0..large).step_by(512).all(|k| *z.add(k) == 0), "zeroed");
            let flags = vm_flags(z as usize + 4096 * 3).expect("the block is mapped");
            assert!(flags.split(' ').any(|f| f == "hg"), "advised: {flags}");
            a.dealloc(z, Layout::from_size_align(large, 8).unwrap());
        }
    }
}
