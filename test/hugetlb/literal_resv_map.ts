/**
 * A literal port of the hugetlb resv_map region code, used as the oracle in
 * differential tests. It is deliberately NOT idiomatic: the point is that a
 * reader can hold it next to mm/hugetlb.c and check it line by line.
 *
 * add_reservation_in_range, get_file_region_entry_from_cache, region_add,
 * region_chg and region_abort are the NEW side of reference 004
 * ("hugetlb: disable region_add file_region coalescing", v7). region_del and
 * region_count are the versions of the same era (unchanged by that patch).
 *
 * C constructs are modelled as follows:
 * - struct list_head is a real circular doubly linked list with a head node;
 *   list_add/list_del/INIT_LIST_HEAD are the kernel's inline functions.
 * - container_of is `link.owner`. A list head's owner is a poisoned
 *   FileRegion: in C, container_of(head) is a bogus pointer the code only ever
 *   uses for `->link` (e.g. `list_add(&nrg->link, rg->link.prev)` after the
 *   loop ran off the end), so reading its from/to throws.
 * - spin_lock/spin_unlock track a held flag and throw on misuse, to catch
 *   port errors in the unlock-before-return paths.
 * - goto retry is a labelled `for (;;)` with `continue retry`.
 * - `long *` out parameters are `{ value: number }`.
 */

export const ENOMEM = 12;

/** VM_BUG_ON fired; `message` is the condition text as written in the kernel. */
export class LiteralBug extends Error {
  constructor(readonly condition: string) {
    super(condition);
    this.name = 'LiteralBug';
  }
}

export interface LongOut {
  value: number;
}

export class ListHead {
  next: ListHead;
  prev: ListHead;
  constructor(readonly owner: FileRegion) {
    this.next = this;
    this.prev = this;
  }
}

export class FileRegion {
  readonly link: ListHead = new ListHead(this);
  // kmalloc'd memory is uninitialised; NaN makes any read-before-write show
  // up as a NaN result in the differential tests.
  from = NaN;
  to = NaN;
}

export interface ResvMap {
  lock: boolean;
  regions: ListHead;
  adds_in_progress: number;
  region_cache: ListHead;
  region_cache_count: number;
}

/** A FileRegion standing for container_of(head) or a LIST_POISON pointer: its link is usable, its fields are not. */
function poisonedEntry(what: string): FileRegion {
  const rg = new FileRegion();
  for (const field of ['from', 'to'] as const) {
    Object.defineProperty(rg, field, {
      get(): never {
        throw new Error(`port bug: read ${what}->${field}`);
      },
      set(): never {
        throw new Error(`port bug: wrote ${what}->${field}`);
      },
    });
  }
  return rg;
}

function newListHead(what: string): ListHead {
  return poisonedEntry(what).link;
}

const LIST_POISON1 = newListHead('LIST_POISON1');
const LIST_POISON2 = newListHead('LIST_POISON2');

function VM_BUG_ON(cond: boolean, text: string): void {
  if (cond) throw new LiteralBug(text);
}

function INIT_LIST_HEAD(list: ListHead): void {
  list.next = list;
  list.prev = list;
}

function __list_add(new_: ListHead, prev: ListHead, next: ListHead): void {
  next.prev = new_;
  new_.next = next;
  new_.prev = prev;
  prev.next = new_;
}

/** Insert `new_` right after `head`. */
function list_add(new_: ListHead, head: ListHead): void {
  __list_add(new_, head, head.next);
}

function list_del(entry: ListHead): void {
  entry.prev.next = entry.next;
  entry.next.prev = entry.prev;
  entry.next = LIST_POISON1;
  entry.prev = LIST_POISON2;
}

function list_first_entry(head: ListHead): FileRegion {
  return head.next.owner;
}

function list_next_entry(pos: FileRegion): FileRegion {
  return pos.link.next.owner;
}

function spin_lock(resv: ResvMap): void {
  if (resv.lock) throw new Error('port bug: spin_lock on a held lock (self-deadlock)');
  resv.lock = true;
}

function spin_unlock(resv: ResvMap): void {
  if (!resv.lock) throw new Error('port bug: spin_unlock of a lock not held');
  resv.lock = false;
}

export class LiteralResvMap {
  /** While > 0, kmalloc fails (returns null) and decrements it. */
  failNext = 0;
  readonly resv: ResvMap = this.resv_map_alloc();

  kmalloc(): FileRegion | null {
    if (this.failNext > 0) {
      this.failNext--;
      return null;
    }
    return new FileRegion();
  }

  kfree(objp: FileRegion | null): void {
    // Memory is garbage collected; poisoning the fields instead makes a
    // use-after-free in the port show up as NaN in the differential tests.
    if (objp) {
      objp.from = NaN;
      objp.to = NaN;
    }
  }

  /** resv_map_alloc: empty region list, one file_region pre-allocated in the cache. Not subject to failNext. */
  resv_map_alloc(): ResvMap {
    const resv_map: ResvMap = {
      lock: false,
      regions: newListHead('&resv->regions'),
      adds_in_progress: 0,
      region_cache: newListHead('&resv->region_cache'),
      region_cache_count: 0,
    };
    const rg = new FileRegion();
    INIT_LIST_HEAD(resv_map.regions);
    INIT_LIST_HEAD(resv_map.region_cache);
    list_add(rg.link, resv_map.region_cache);
    resv_map.region_cache_count = 1;
    return resv_map;
  }

  /* Must be called with resv->lock held. Calling this with count_only == true
   * will count the number of pages to be added but will not modify the linked
   * list. If regions_needed != NULL and count_only == true, then regions_needed
   * will indicate the number of file_regions needed in the cache to carry out to
   * add the regions for this range.
   */
  add_reservation_in_range(
    resv: ResvMap,
    f: number,
    t: number,
    regions_needed: LongOut | null,
    count_only: boolean,
  ): number {
    let add = 0;
    const head = resv.regions;
    let last_accounted_offset = f;
    let rg: FileRegion;
    let trg: FileRegion;
    let nrg: FileRegion;

    if (regions_needed) regions_needed.value = 0;

    /* In this loop, we essentially handle an entry for the range
     * last_accounted_offset -> rg->from, at every iteration, with some
     * bounds checking.
     */
    for (rg = list_first_entry(head), trg = list_next_entry(rg); rg.link !== head; rg = trg, trg = list_next_entry(trg)) {
      /* Skip irrelevant regions that start before our range. */
      if (rg.from < f) {
        /* If this region ends after the last accounted offset,
         * then we need to update last_accounted_offset.
         */
        if (rg.to > last_accounted_offset) last_accounted_offset = rg.to;
        continue;
      }

      /* When we find a region that starts beyond our range, we've
       * finished.
       */
      if (rg.from > t) break;

      /* Add an entry for last_accounted_offset -> rg->from, and
       * update last_accounted_offset.
       */
      if (rg.from > last_accounted_offset) {
        add += rg.from - last_accounted_offset;
        if (!count_only) {
          nrg = this.get_file_region_entry_from_cache(resv, last_accounted_offset, rg.from);
          list_add(nrg.link, rg.link.prev);
        } else if (regions_needed) regions_needed.value += 1;
      }

      last_accounted_offset = rg.to;
    }

    /* Handle the case where our range extends beyond
     * last_accounted_offset.
     */
    if (last_accounted_offset < t) {
      add += t - last_accounted_offset;
      if (!count_only) {
        nrg = this.get_file_region_entry_from_cache(resv, last_accounted_offset, t);
        list_add(nrg.link, rg.link.prev);
      } else if (regions_needed) regions_needed.value += 1;
      last_accounted_offset = t;
    }

    return add;
  }

  /*
   * Add the huge page range represented by [f, t) to the reserve
   * map.  Regions will be taken from the cache to fill in this range.
   * Sufficient regions should exist in the cache due to the previous
   * call to region_chg with the same range, but in some cases the cache will not
   * have sufficient entries.  The extra needed entries will be allocated.
   *
   * regions_needed is the out value provided by a previous call to region_chg.
   *
   * Return the number of new huge pages added to the map.  This number is greater
   * than or equal to zero.  If file_region entries needed to be allocated for
   * this operation and we were not able to allocate, it ruturns -ENOMEM.
   * region_add of regions of length 1 never allocate file_regions and cannot
   * fail.
   */
  region_add(resv: ResvMap, f: number, t: number, in_regions_needed: number): number {
    let add = 0;
    const actual_regions_needed: LongOut = { value: 0 };
    let trg: FileRegion | null = null;

    spin_lock(resv);
    retry: for (;;) {
      /* Count how many regions are actually needed to execute this add. */
      this.add_reservation_in_range(resv, f, t, actual_regions_needed, true);

      /*
       * Check for sufficient descriptors in the cache to accommodate
       * this add operation.
       */
      if (resv.region_cache_count < actual_regions_needed.value) {
        /* region_add operation of range 1 should never need to
         * allocate file_region entries.
         */
        VM_BUG_ON(t - f <= 1, 't - f <= 1');
        while (resv.region_cache_count < actual_regions_needed.value) {
          /* Must drop lock to allocate a new descriptor. */
          spin_unlock(resv);
          trg = this.kmalloc();
          if (!trg) return -ENOMEM;

          spin_lock(resv);
          list_add(trg.link, resv.region_cache);
          resv.region_cache_count++;
        }

        continue retry;
      }
      break;
    }

    add = this.add_reservation_in_range(resv, f, t, null, false);

    resv.adds_in_progress -= in_regions_needed;

    spin_unlock(resv);
    VM_BUG_ON(add < 0, 'add < 0');
    return add;
  }

  /*
   * Examine the existing reserve map and determine how many
   * huge pages in the specified range [f, t) are NOT currently
   * represented.  This routine is called before a subsequent
   * call to region_add that will actually modify the reserve
   * map to add the specified range [f, t).  region_chg does
   * not change the number of huge pages represented by the
   * map.  A number of new file_region structures is added to the cache as a
   * placeholder, for the subsequent region_add call to use. At least 1
   * file_region structure is added.
   *
   * out_regions_needed is the number of regions added to the
   * resv->adds_in_progress.  This value needs to be provided to a follow up call
   * to region_add or region_abort for proper accounting.
   *
   * Returns the number of huge pages that need to be added to the existing
   * reservation map for the range [f, t).  This number is greater or equal to
   * zero.  -ENOMEM is returned if a new file_region structure or cache entry
   * is needed and can not be allocated.
   */
  region_chg(resv: ResvMap, f: number, t: number, out_regions_needed: LongOut): number {
    let trg: FileRegion | null = null;
    let chg = 0;

    spin_lock(resv);

    /* Count how many hugepages in this range are NOT respresented. */
    chg = this.add_reservation_in_range(resv, f, t, out_regions_needed, true);

    if (out_regions_needed.value < 1) out_regions_needed.value = 1;

    resv.adds_in_progress += out_regions_needed.value;

    /*
     * Check for sufficient descriptors in the cache to accommodate
     * the number of in progress add operations.
     */
    while (resv.region_cache_count < resv.adds_in_progress) {
      /* Must drop lock to allocate a new descriptor. */
      spin_unlock(resv);
      trg = this.kmalloc();
      if (!trg) return -ENOMEM;

      spin_lock(resv);
      list_add(trg.link, resv.region_cache);
      resv.region_cache_count++;
    }

    spin_unlock(resv);
    return chg;
  }

  /*
   * Abort the in progress add operation.  The adds_in_progress field
   * of the resv_map keeps track of the operations in progress between
   * calls to region_chg and region_add.  Operations are sometimes
   * aborted after the call to region_chg.  In such cases, region_abort
   * is called to decrement the adds_in_progress counter. regions_needed
   * is the value returned by the region_chg call, it is used to decrement
   * the adds_in_progress counter.
   *
   * NOTE: The range arguments [f, t) are not needed or used in this
   * routine.  They are kept to make reading the calling code easier as
   * arguments will match the associated region_chg call.
   */
  region_abort(resv: ResvMap, _f: number, _t: number, regions_needed: number): void {
    spin_lock(resv);
    VM_BUG_ON(!resv.region_cache_count, '!resv->region_cache_count');
    resv.adds_in_progress -= regions_needed;
    spin_unlock(resv);
  }

  /*
   * Delete the specified range [f, t) from the reserve map.  If the
   * t parameter is LONG_MAX, this indicates that ALL regions after f
   * should be deleted.  Locate the regions which intersect [f, t)
   * and either trim, delete or split the existing regions.
   *
   * Returns the number of huge pages deleted from the reserve map.
   * In the normal case, the return value is zero or more.  In the
   * case where a region must be split, a new region descriptor must
   * be allocated.  If the allocation fails, -ENOMEM will be returned.
   * NOTE: If the parameter t == LONG_MAX, then we will never split
   * a region and possibly return -ENOMEM.  Callers specifying
   * t == LONG_MAX do not need to check for -ENOMEM error.
   */
  region_del(resv: ResvMap, f: number, t: number): number {
    const head = resv.regions;
    let rg: FileRegion;
    let trg: FileRegion;
    let nrg: FileRegion | null = null;
    let del = 0;

    retry: for (;;) {
      spin_lock(resv);
      for (rg = list_first_entry(head), trg = list_next_entry(rg); rg.link !== head; rg = trg, trg = list_next_entry(trg)) {
        /*
         * Skip regions before the range to be deleted.  file_region
         * ranges are normally of the form [from, to).  However, there
         * may be a "placeholder" entry in the map which is of the form
         * (from, to) with from == to.  Check for placeholder entries
         * at the beginning of the range to be deleted.
         */
        if (rg.to <= f && (rg.to !== rg.from || rg.to !== f)) continue;

        if (rg.from >= t) break;

        if (f > rg.from && t < rg.to) {
          /* Must split region */
          /*
           * Check for an entry in the cache before dropping
           * lock and attempting allocation.
           */
          if (!nrg && resv.region_cache_count > resv.adds_in_progress) {
            nrg = list_first_entry(resv.region_cache);
            list_del(nrg.link);
            resv.region_cache_count--;
          }

          if (!nrg) {
            spin_unlock(resv);
            nrg = this.kmalloc();
            if (!nrg) return -ENOMEM;
            continue retry;
          }

          del += t - f;

          /* New entry for end of split region */
          nrg.from = t;
          nrg.to = rg.to;
          INIT_LIST_HEAD(nrg.link);

          /* Original entry is trimmed */
          rg.to = f;

          list_add(nrg.link, rg.link);
          nrg = null;
          break;
        }

        if (f <= rg.from && t >= rg.to) {
          /* Remove entire region */
          del += rg.to - rg.from;
          list_del(rg.link);
          this.kfree(rg);
          continue;
        }

        if (f <= rg.from) {
          /* Trim beginning of region */
          del += t - rg.from;
          rg.from = t;
        } else {
          /* Trim end of region */
          del += rg.to - f;
          rg.to = f;
        }
      }
      break;
    }

    spin_unlock(resv);
    this.kfree(nrg);
    return del;
  }

  /*
   * Count and return the number of huge pages in the reserve map
   * that intersect with the range [f, t).
   */
  region_count(resv: ResvMap, f: number, t: number): number {
    const head = resv.regions;
    let rg: FileRegion;
    let chg = 0;

    spin_lock(resv);
    /* Locate each segment we overlap with, and count that overlap. */
    for (rg = list_first_entry(head); rg.link !== head; rg = list_next_entry(rg)) {
      if (rg.to <= f) continue;
      if (rg.from >= t) break;

      const seg_from = Math.max(rg.from, f);
      const seg_to = Math.min(rg.to, t);

      chg += seg_to - seg_from;
    }
    spin_unlock(resv);

    return chg;
  }

  // ---- inspection helpers (not kernel code) ----

  /** resv->regions in list order. */
  regions(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const head = this.resv.regions;
    for (let rg = list_first_entry(head); rg.link !== head; rg = list_next_entry(rg)) out.push([rg.from, rg.to]);
    return out;
  }

  /** Entries actually on resv->region_cache (should equal region_cache_count). */
  cacheListLength(): number {
    let n = 0;
    const head = this.resv.region_cache;
    for (let p = head.next; p !== head; p = p.next) n++;
    return n;
  }

  get regionCacheCount(): number {
    return this.resv.region_cache_count;
  }

  get addsInProgress(): number {
    return this.resv.adds_in_progress;
  }

  get lockHeld(): boolean {
    return this.resv.lock;
  }

  /* Helper that removes a struct file_region from the resv_map cache and returns
   * it for use.
   */
  get_file_region_entry_from_cache(resv: ResvMap, from: number, to: number): FileRegion {
    let nrg: FileRegion | null = null;

    VM_BUG_ON(resv.region_cache_count <= 0, 'resv->region_cache_count <= 0');

    resv.region_cache_count--;
    nrg = list_first_entry(resv.region_cache);
    VM_BUG_ON(!nrg, '!nrg');
    list_del(nrg.link);

    nrg.from = from;
    nrg.to = to;

    return nrg;
  }
}
