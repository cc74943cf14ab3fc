/** A check-in's distance from the customer as a rep reads it: metres under 1 km, else km to one decimal. */
export const distanceText = (km: number): string => (km < 1 ? `${Math.round(km * 1000)} 米` : `${km.toFixed(1)} 公里`);
